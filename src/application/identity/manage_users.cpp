#include "application/identity/manage_users.hpp"

#include "application/identity/password_policy.hpp"
#include "domain/identity/credentials.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;
using domain::Role;

namespace {
const char* kEscalation = "You may only manage roles below your own.";
}

namespace {

// A denial as the audit log records it: who tried, on whom, with which role, and what was missing
// (`what` is "attempted_role" or "permission").
AuditEntry denial(const OperationContext& ctx, const char* action, const std::string& target_id,
                  const char* what, const std::string& value) {
  const Principal& actor = ctx.actor();
  return AuditEntry{action,
                    actor.user_id,
                    "user",
                    target_id,
                    ctx.origin(),
                    "denied",
                    R"({"actor_role":")" + std::string(domain::to_string(actor.role)) + R"(",")" +
                        what + R"(":")" + value + R"("})"};
}

}  // namespace

AuditEntry ManageUsers::escalation_denied(const OperationContext& ctx, const std::string& target_id,
                                          const std::string& attempted_role) const {
  return denial(ctx, "security.role_escalation_denied", target_id, "attempted_role",
                attempted_role);
}

asio::awaitable<Failure> ManageUsers::deny(UnitOfWork& uow, const AuditEntry& entry,
                                           Failure answer) const {
  uow.audit().append(entry);
  auto done = co_await uow.commit();
  if (!done) co_return done.error();
  co_return answer;
}

asio::awaitable<Failure> ManageUsers::deny_permission(const OperationContext& ctx,
                                                      const char* needed,
                                                      const std::string& target_id) const {
  const AuditEntry e = denial(ctx, "security.permission_denied", target_id, "permission", needed);
  auto uow = deps_.data.begin(ctx, Access::write_per_round_trip);
  co_return co_await deny(*uow, e, failures::forbidden());
}

asio::awaitable<Outcome<UserRecord>> ManageUsers::create(const OperationContext& ctx,
                                                         CreateUserCommand c) const {
  const Principal& actor = ctx.actor();
  if (!domain::has_permission(actor.role, Permission::users_write)) {
    Failure denied = co_await deny_permission(ctx, "users:write", "");
    co_return std::unexpected(std::move(denied));
  }
  std::vector<FieldIssue> issues;
  const auto email = domain::normalise_email(c.email);
  if (!email) issues.push_back({"email", "must be a valid e-mail address"});
  if (!domain::valid_display_name(c.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  const auto role = domain::parse_role(c.role);
  if (!role) issues.push_back({"role", "must be one of owner, admin, manager, staff, viewer"});
  Outcome<TenantRecord> tenant = std::unexpected(failures::not_found());
  {
    auto uow = deps_.data.begin(ctx, Access::read);
    tenant = co_await uow->users().tenant();
  }
  if (!tenant) co_return std::unexpected(tenant.error());
  if (auto why = password_policy_violation(c.password, email.value_or(c.email), tenant->slug,
                                           c.name, deps_.strength))
    issues.push_back({"password", *why});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  if (!domain::may_manage_role(actor.role, *role)) {
    auto uow = deps_.data.begin(ctx, Access::write_per_round_trip);
    Failure denied =
        co_await deny(*uow, escalation_denied(ctx, "", c.role), failures::forbidden(kEscalation));
    co_return std::unexpected(std::move(denied));
  }

  // Awaited on its own line: GCC 12 miscompiles co_await inside a braced initializer.
  auto password_hash = co_await deps_.hasher.hash(std::move(c.password));
  if (!password_hash) co_return std::unexpected(password_hash.error());
  const NewUser user{deps_.ids.new_id(), *email, c.name, *role, std::move(*password_hash)};
  auto uow = deps_.data.begin(ctx, Access::write);
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  uow->users().add(user);
  const AuditEntry audit{"user.created",
                         actor.user_id,
                         "user",
                         user.id.to_string(),
                         ctx.origin(),
                         "success",
                         R"({"role":")" + c.role + R"("})"};
  uow->audit().append(audit);
  auto done = co_await uow->commit();  // "email-taken" / "owner-exists" fail here
  if (!done) co_return std::unexpected(done.error());
  co_return UserRecord{user.id, user.email, user.name, user.role, *now, *now};
}

asio::awaitable<Outcome<UserRecord>> ManageUsers::get(const OperationContext& ctx,
                                                      const domain::Uuid& id) const {
  // Everyone may read their own record; reading others needs users:read.
  const Principal& actor = ctx.actor();
  if (id != actor.user_id && !domain::has_permission(actor.role, Permission::users_read))
    co_return std::unexpected(failures::forbidden());
  auto uow = deps_.data.begin(ctx, Access::read);
  auto user = co_await uow->users().get(id);
  if (!user) co_return std::unexpected(user.error());
  if (!*user) co_return std::unexpected(failures::not_found());
  co_return std::move(**user);
}

asio::awaitable<Outcome<Me>> ManageUsers::me(const OperationContext& ctx) const {
  auto uow = deps_.data.begin(ctx, Access::read);
  auto user = co_await uow->users().get(ctx.actor().user_id);
  if (!user) co_return std::unexpected(user.error());
  if (!*user) co_return std::unexpected(failures::not_found());
  auto tenant = co_await uow->users().tenant();
  if (!tenant) co_return std::unexpected(tenant.error());
  co_return Me{std::move(**user), std::move(*tenant)};
}

asio::awaitable<Outcome<std::vector<UserRecord>>> ManageUsers::list(
    const OperationContext& ctx, const std::optional<domain::Uuid>& after, int limit) const {
  if (!domain::has_permission(ctx.actor().role, Permission::users_read))
    co_return std::unexpected(failures::forbidden());
  auto uow = deps_.data.begin(ctx, Access::read);
  co_return co_await uow->users().list(after, limit + 1);
}

asio::awaitable<Outcome<UserRecord>> ManageUsers::update(const OperationContext& ctx,
                                                         const domain::Uuid& id,
                                                         UserPatch patch) const {
  const Principal& actor = ctx.actor();
  if (!domain::has_permission(actor.role, Permission::users_write)) {
    Failure denied = co_await deny_permission(ctx, "users:write", id.to_string());
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

  auto uow = deps_.data.begin(ctx, Access::write);
  auto target = co_await uow->users().lock(id);
  if (!target) co_return std::unexpected(target.error());
  if (!*target) co_return std::unexpected(failures::not_found());
  UserRecord user = std::move(**target);
  // The target must be below the actor (this also forbids changing one's own role), and so
  // must the role they would get.
  if (!domain::may_manage_role(actor.role, user.role) ||
      (new_role && !domain::may_manage_role(actor.role, *new_role))) {
    Failure denied = co_await deny(
        *uow,
        escalation_denied(ctx, id.to_string(), patch.role.value_or(domain::to_string(user.role))),
        failures::forbidden(kEscalation));
    co_return std::unexpected(std::move(denied));
  }
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  const bool role_changes = new_role && *new_role != user.role;
  std::string details = "{";
  if (role_changes)
    details += R"("role_from":")" + std::string(domain::to_string(user.role)) + R"(","role_to":")" +
               domain::to_string(*new_role) + "\"";
  details += "}";
  if (patch.name) user.name = *patch.name;
  if (new_role) user.role = *new_role;
  user.updated_at = *now;
  uow->users().save(user);
  const AuditEntry audit{role_changes ? "user.role_changed" : "user.updated",
                         actor.user_id,
                         "user",
                         id.to_string(),
                         ctx.origin(),
                         "success",
                         details};
  uow->audit().append(audit);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  // Their next request must see the new role on this node too (docs/runbook.md).
  deps_.authenticated_users.forget(actor.tenant_id, id);
  co_return user;
}

asio::awaitable<Outcome<void>> ManageUsers::remove(const OperationContext& ctx,
                                                   const domain::Uuid& id) const {
  const Principal& actor = ctx.actor();
  if (!domain::has_permission(actor.role, Permission::users_write)) {
    Failure denied = co_await deny_permission(ctx, "users:write", id.to_string());
    co_return std::unexpected(std::move(denied));
  }
  auto uow = deps_.data.begin(ctx, Access::write);
  auto target = co_await uow->users().lock(id);
  if (!target) co_return std::unexpected(target.error());
  if (!*target) co_return std::unexpected(failures::not_found());
  if (!domain::may_manage_role(actor.role, (*target)->role)) {
    Failure denied = co_await deny(
        *uow, escalation_denied(ctx, id.to_string(), domain::to_string((*target)->role)),
        failures::forbidden(kEscalation));
    co_return std::unexpected(std::move(denied));
  }
  uow->users().remove(id);
  const AuditEntry audit{"user.deleted", actor.user_id, "user",
                         id.to_string(), ctx.origin(),  "success"};
  uow->audit().append(audit);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  deps_.authenticated_users.forget(actor.tenant_id, id);
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<std::vector<AuditRecord>>> ListAuditEvents::operator()(
    const OperationContext& ctx, const std::optional<std::string>& action,
    const std::optional<domain::Uuid>& after, int limit) const {
  if (!domain::has_permission(ctx.actor().role, Permission::audit_read))
    co_return std::unexpected(failures::forbidden());
  auto uow = deps_.data.begin(ctx, Access::read);
  co_return co_await uow->audit().list(action, after, limit + 1);
}

}  // namespace brandos::application
