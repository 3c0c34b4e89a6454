#include "application/identity/manage_users.hpp"

#include "application/identity/password_policy.hpp"
#include "domain/identity/credentials.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;
using domain::Role;

asio::awaitable<Failure> ManageUsers::deny_escalation(const Principal& actor,
                                                      const std::string& target_id,
                                                      const std::string& attempted_role,
                                                      const RequestOrigin& origin) const {
  AuditEntry e{"security.role_escalation_denied",
               actor.user_id,
               "user",
               target_id,
               origin,
               "denied",
               R"({"actor_role":")" + std::string(domain::to_string(actor.role)) +
                   R"(","attempted_role":")" + attempted_role + R"("})"};
  co_await deps_.repository.append_audit(actor.tenant_id, e);
  co_return failures::forbidden("You may only manage roles below your own.");
}

asio::awaitable<Failure> ManageUsers::deny_permission(const Principal& actor, const char* needed,
                                                      const std::string& target_id,
                                                      const RequestOrigin& origin) const {
  AuditEntry e{"security.permission_denied",
               actor.user_id,
               "user",
               target_id,
               origin,
               "denied",
               R"({"actor_role":")" + std::string(domain::to_string(actor.role)) +
                   R"(","permission":")" + needed + R"("})"};
  co_await deps_.repository.append_audit(actor.tenant_id, e);
  co_return failures::forbidden();
}

asio::awaitable<Outcome<UserRecord>> ManageUsers::create(const Principal& actor,
                                                         CreateUserCommand c,
                                                         const RequestOrigin& origin) const {
  if (!domain::has_permission(actor.role, Permission::users_write)) {
    Failure denied = co_await deny_permission(actor, "users:write", "", origin);
    co_return std::unexpected(std::move(denied));
  }
  std::vector<FieldIssue> issues;
  const auto email = domain::normalise_email(c.email);
  if (!email) issues.push_back({"email", "must be a valid e-mail address"});
  if (!domain::valid_display_name(c.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  const auto role = domain::parse_role(c.role);
  if (!role) issues.push_back({"role", "must be one of owner, admin, manager, staff, viewer"});
  auto tenant = co_await deps_.repository.tenant(actor.tenant_id);
  if (!tenant) co_return std::unexpected(tenant.error());
  if (auto why = password_policy_violation(c.password, email.value_or(c.email), tenant->slug,
                                           c.name, deps_.strength))
    issues.push_back({"password", *why});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  if (!domain::may_manage_role(actor.role, *role)) {
    Failure denied = co_await deny_escalation(actor, "", c.role, origin);
    co_return std::unexpected(std::move(denied));
  }

  // Awaited on its own line: GCC 12 miscompiles co_await inside a braced initializer.
  std::string password_hash = co_await deps_.hasher.hash(std::move(c.password));
  NewUser user{deps_.ids.new_id(), *email, c.name, *role, std::move(password_hash)};
  AuditEntry audit{"user.created",
                   actor.user_id,
                   "user",
                   user.id.to_string(),
                   origin,
                   "success",
                   R"({"role":")" + c.role + R"("})"};
  co_return co_await deps_.repository.create_user(actor.tenant_id, user, audit);
}

asio::awaitable<Outcome<UserRecord>> ManageUsers::get(const Principal& actor,
                                                      const domain::Uuid& id) const {
  // Everyone may read their own record; reading others needs users:read.
  if (id != actor.user_id && !domain::has_permission(actor.role, Permission::users_read))
    co_return std::unexpected(failures::forbidden());
  auto user = co_await deps_.repository.get_user(actor.tenant_id, id);
  if (!user) co_return std::unexpected(user.error());
  if (!*user) co_return std::unexpected(failures::not_found());
  co_return std::move(**user);
}

asio::awaitable<Outcome<std::vector<UserRecord>>> ManageUsers::list(
    const Principal& actor, const std::optional<domain::Uuid>& after, int limit) const {
  if (!domain::has_permission(actor.role, Permission::users_read))
    co_return std::unexpected(failures::forbidden());
  co_return co_await deps_.repository.list_users(actor.tenant_id, after, limit + 1);
}

asio::awaitable<Outcome<UserRecord>> ManageUsers::update(const Principal& actor,
                                                         const domain::Uuid& id, UserPatch patch,
                                                         const RequestOrigin& origin) const {
  if (!domain::has_permission(actor.role, Permission::users_write)) {
    Failure denied = co_await deny_permission(actor, "users:write", id.to_string(), origin);
    co_return std::unexpected(std::move(denied));
  }
  std::vector<FieldIssue> issues;
  if (patch.name && !domain::valid_display_name(*patch.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  std::optional<Role> new_role;
  if (patch.role) {
    new_role = domain::parse_role(*patch.role);
    if (!new_role)
      issues.push_back({"role", "must be one of owner, admin, manager, staff, viewer"});
  }
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));

  auto target = co_await deps_.repository.get_user(actor.tenant_id, id);
  if (!target) co_return std::unexpected(target.error());
  if (!*target) co_return std::unexpected(failures::not_found());
  // The target must be below the actor (this also forbids changing one's own role), and so
  // must the role they would get.
  if (!domain::may_manage_role(actor.role, (*target)->role) ||
      (new_role && !domain::may_manage_role(actor.role, *new_role))) {
    Failure denied = co_await deny_escalation(
        actor, id.to_string(), patch.role.value_or(domain::to_string((*target)->role)), origin);
    co_return std::unexpected(std::move(denied));
  }

  std::string details = "{";
  if (new_role && *new_role != (*target)->role)
    details += R"("role_from":")" + std::string(domain::to_string((*target)->role)) +
               R"(","role_to":")" + domain::to_string(*new_role) + "\"";
  details += "}";
  AuditEntry audit{new_role && *new_role != (*target)->role ? "user.role_changed" : "user.updated",
                   actor.user_id,
                   "user",
                   id.to_string(),
                   origin,
                   "success",
                   details};
  auto updated = co_await deps_.repository.update_user(actor.tenant_id, id,
                                                       UserChanges{patch.name, new_role}, audit);
  if (!updated) co_return std::unexpected(updated.error());
  if (!*updated) co_return std::unexpected(failures::not_found());
  co_return std::move(**updated);
}

asio::awaitable<Outcome<void>> ManageUsers::remove(const Principal& actor, const domain::Uuid& id,
                                                   const RequestOrigin& origin) const {
  if (!domain::has_permission(actor.role, Permission::users_write)) {
    Failure denied = co_await deny_permission(actor, "users:write", id.to_string(), origin);
    co_return std::unexpected(std::move(denied));
  }
  auto target = co_await deps_.repository.get_user(actor.tenant_id, id);
  if (!target) co_return std::unexpected(target.error());
  if (!*target) co_return std::unexpected(failures::not_found());
  if (!domain::may_manage_role(actor.role, (*target)->role)) {
    Failure denied =
        co_await deny_escalation(actor, id.to_string(), domain::to_string((*target)->role), origin);
    co_return std::unexpected(std::move(denied));
  }
  AuditEntry audit{"user.deleted", actor.user_id, "user", id.to_string(), origin, "success"};
  auto deleted = co_await deps_.repository.delete_user(actor.tenant_id, id, audit);
  if (!deleted) co_return std::unexpected(deleted.error());
  if (!*deleted) co_return std::unexpected(failures::not_found());
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<std::vector<AuditRecord>>> ListAuditEvents::operator()(
    const Principal& actor, const std::optional<std::string>& action,
    const std::optional<domain::Uuid>& after, int limit) const {
  if (!domain::has_permission(actor.role, Permission::audit_read))
    co_return std::unexpected(failures::forbidden());
  co_return co_await deps_.repository.list_audit(actor.tenant_id, action, after, limit + 1);
}

}  // namespace brandos::application
