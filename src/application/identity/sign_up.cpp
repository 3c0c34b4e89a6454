#include "application/identity/sign_up.hpp"

#include "application/identity/password_policy.hpp"
#include "domain/identity/credentials.hpp"

namespace brandos::application {

boost::asio::awaitable<Outcome<std::pair<TenantRecord, UserRecord>>> SignUp::operator()(
    const OperationContext& ctx, SignUpCommand c) const {
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
  auto password_hash = co_await deps_.hasher.hash(std::move(c.owner_password));
  if (!password_hash) co_return std::unexpected(password_hash.error());
  NewUser owner{deps_.ids.new_id(), *email, c.owner_name, domain::Role::owner,
                std::move(*password_hash)};

  // The new tenant is the unit of work's tenant before its row exists: row-level security's
  // WITH CHECK admits exactly that row.
  OperationContext in_tenant = ctx;
  in_tenant.tenant = tenant.id;
  auto uow = deps_.data.begin(in_tenant, Access::write);
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  tenant.created_at = *now;
  uow->users().add_tenant(tenant);
  uow->users().add(owner);
  const AuditEntry audit{"tenant.created", owner.id, "tenant", tenant.id.to_string(), ctx.origin()};
  uow->audit().append(audit);
  auto done = co_await uow->commit();  // a taken slug fails here: conflict "slug-taken"
  if (!done) co_return std::unexpected(done.error());
  co_return std::make_pair(tenant,
                           UserRecord{owner.id, owner.email, owner.name, owner.role, *now, *now});
}

}  // namespace brandos::application
