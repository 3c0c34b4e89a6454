#include "application/identity/sign_up.hpp"

#include "application/identity/password_policy.hpp"
#include "domain/identity/credentials.hpp"

namespace brandos::application {

boost::asio::awaitable<Outcome<std::pair<TenantRecord, UserRecord>>> SignUp::operator()(
    SignUpCommand c) const {
  std::vector<FieldIssue> issues;
  if (!domain::valid_display_name(c.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  if (!domain::valid_slug(c.slug))
    issues.push_back({"slug", "must match ^[a-z0-9][a-z0-9-]{1,62}$"});
  const auto email = domain::normalise_email(c.owner_email);
  if (!email) issues.push_back({"owner.email", "must be a valid e-mail address"});
  if (!domain::valid_display_name(c.owner_name))
    issues.push_back({"owner.name", "must be 1 to 200 characters"});
  if (auto why = password_policy_violation(c.owner_password, email.value_or(c.owner_email), c.slug,
                                           c.owner_name, deps_.strength))
    issues.push_back({"owner.password", *why});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));

  TenantRecord tenant{deps_.ids.new_id(), c.slug, c.name, {}};
  // Awaited on its own line: GCC 12 miscompiles co_await inside a braced initializer.
  std::string password_hash = co_await deps_.hasher.hash(std::move(c.owner_password));
  NewUser owner{deps_.ids.new_id(), *email, c.owner_name, domain::Role::owner,
                std::move(password_hash)};
  AuditEntry audit{"tenant.created", owner.id, "tenant", tenant.id.to_string(), c.origin};
  co_return co_await deps_.repository.create_tenant_with_owner(tenant, owner, audit);
}

}  // namespace brandos::application
