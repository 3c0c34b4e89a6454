#include "application/identity/sessions.hpp"

#include "domain/identity/credentials.hpp"

namespace brandos::application {

namespace asio = boost::asio;

asio::awaitable<Outcome<void>> record_audit(TenantData& data, const OperationContext& ctx,
                                            const domain::Uuid& tenant,
                                            std::vector<AuditEntry> entries) {
  OperationContext in_tenant = ctx;
  in_tenant.tenant = tenant;
  auto uow = data.begin(in_tenant, Access::write_per_round_trip);
  for (const auto& e : entries) uow->audit().append(e);
  co_return co_await uow->commit();
}

TokenPair start_session(const IdentityDependencies& deps, UnitOfWork& uow,
                        const Principal& principal) {
  NewRefreshToken refresh = deps.tokens.new_refresh_token();
  const RefreshTokenGrant grant{deps.ids.new_id(), deps.ids.new_id(), refresh.hash,
                                deps.tokens.refresh_token_lifetime()};
  uow.users().add_refresh_token(principal.user_id, grant);
  return TokenPair{deps.tokens.issue_access_token(principal), std::move(refresh.token)};
}

asio::awaitable<Outcome<TokenPair>> Login::operator()(const OperationContext& ctx,
                                                      LoginCommand c) const {
  // A slug that cannot name a tenant is refused before anything is looked up or counted: the
  // failure counters are keyed by it, and a request must not be able to size them.
  if (!domain::valid_slug(c.tenant_slug))
    co_return std::unexpected(failures::unauthorized("Wrong tenant, e-mail or password."));
  const std::string email = domain::normalise_email(c.email).value_or("");
  const std::string lock_key = "login-failures:" + c.tenant_slug + ":" + email;
  // Audit entries are built as named values: GCC 12 mishandles braced temporaries inside
  // co_await expressions.
  auto audit_entry = [&](const char* action, const std::optional<UserRecord>& user,
                         const char* outcome) {
    return AuditEntry{action,       user ? std::optional(user->id) : std::nullopt,
                      "user",       email,
                      ctx.origin(), outcome};
  };
  auto look_up = [&]() -> asio::awaitable<Outcome<LoginLookup>> {
    auto uow = deps_.data.begin(ctx, Access::read, TenantOf::slug(c.tenant_slug));
    co_return co_await uow->users().find_for_login(email);
  };

  // An attempt is counted before its password is verified, atomically, so guesses sent in
  // parallel cannot all be verified before the first failure is counted: at most the limit's
  // worth are. A success clears the count.
  const RateDecision attempt = deps_.limiter.hit(lock_key, kLoginFailureLimit);
  if (!attempt.allowed) {
    auto found = co_await look_up();
    if (!found) co_return std::unexpected(found.error());
    if (found->tenant) {
      std::vector<AuditEntry> entries;
      entries.push_back(audit_entry("auth.login_locked", found->user, "denied"));
      auto audited = co_await record_audit(deps_.data, ctx, found->tenant->id, std::move(entries));
      if (!audited) co_return std::unexpected(audited.error());
    } else {
      auto spent = co_await deps_.data.spend_an_audited_commit(ctx);  // as below
      if (!spent) co_return std::unexpected(spent.error());
    }
    co_return std::unexpected(failures::rate_limited(attempt.reset_seconds));
  }

  auto found = co_await look_up();
  if (!found) {
    // Nothing was verified: the server's failure must not use up the caller's attempts.
    deps_.limiter.forgive(lock_key);
    co_return std::unexpected(found.error());
  }
  const bool known = found->tenant && found->user;
  std::string encoded = known ? found->password_hash : decoy_hash_;
  // No stored password is longer than the policy's 128 characters (512 bytes): a longer one is
  // wrong without hashing it, and never queued.
  bool ok = false;
  if (c.password.size() <= kMaxPasswordBytes) {
    auto verified = co_await deps_.hasher.verify(std::move(c.password), std::move(encoded));
    if (!verified) {
      deps_.limiter.forgive(lock_key);
      co_return std::unexpected(verified.error());
    }
    ok = *verified;
  }
  if (!known || !ok) {
    if (!found->tenant) {
      // Nothing to audit, but the same time spent as if there were: a wrong tenant must not
      // answer faster than a wrong password.
      auto spent = co_await deps_.data.spend_an_audited_commit(ctx);
      if (!spent) co_return std::unexpected(spent.error());
      co_return std::unexpected(failures::unauthorized("Wrong tenant, e-mail or password."));
    }
    std::vector<AuditEntry> entries;
    entries.push_back(audit_entry("auth.login_failed", found->user, "failure"));
    if (attempt.remaining == 0)
      entries.push_back(audit_entry("auth.login_locked", found->user, "denied"));
    auto audited = co_await record_audit(deps_.data, ctx, found->tenant->id, std::move(entries));
    if (!audited) co_return std::unexpected(audited.error());
    co_return std::unexpected(failures::unauthorized("Wrong tenant, e-mail or password."));
  }

  deps_.limiter.reset(lock_key);
  const Principal principal{found->tenant->id, found->user->id, found->user->role,
                            found->user->email, found->user->name};
  auto uow = deps_.data.begin(OperationContext::of(principal), Access::write_per_round_trip);
  TokenPair session = start_session(deps_, *uow, principal);
  const AuditEntry logged_in{"auth.login", principal.user_id, "user", principal.user_id.to_string(),
                             ctx.origin(), "success"};
  uow->audit().append(logged_in);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return session;
}

asio::awaitable<Outcome<TokenPair>> RefreshSession::operator()(const OperationContext& ctx,
                                                               std::string refresh_token) const {
  if (refresh_token.empty() || refresh_token.size() > 512)
    co_return std::unexpected(failures::unauthorized("Invalid refresh token."));
  const TokenHash presented = deps_.tokens.hash_refresh_token(refresh_token);
  auto uow = deps_.data.begin(ctx, Access::write, TenantOf::refresh_token(presented));
  auto token = co_await uow->users().lock_refresh_token(presented, kRefreshGrace);
  if (!token) co_return std::unexpected(token.error());
  const auto invalid = failures::unauthorized("Invalid refresh token.");
  // Unknown, or revoked (logout, a deleted user, an earlier reuse): just refuse.
  if (!*token || (*token)->revoked) co_return std::unexpected(invalid);
  const RefreshTokenState& t = **token;
  std::optional<TokenHash> usable_successor;
  if (t.spent && t.spent_within_grace && t.successor_id && !t.expired && t.user_live) {
    auto found = co_await uow->users().usable_refresh_token(*t.successor_id);
    if (!found) co_return std::unexpected(found.error());
    usable_successor = *found;
  }
  if (usable_successor) {
    // The same exchange again, seconds later, while its successor is unused: two tabs (or a
    // retry after a lost answer) refreshing at once. Both get that one successor.
    NewRefreshToken again = deps_.tokens.successor_of(refresh_token);
    if (again.hash == *usable_successor) {
      // Audited: the same answer also goes to whoever else holds the spent token in these
      // seconds, so an operator can see every time it was given twice, and to where.
      const AuditEntry grace{"auth.refresh_grace",
                             t.user_id,
                             "user",
                             t.user_id.to_string(),
                             ctx.origin(),
                             "success",
                             R"({"family_id":")" + t.family_id.to_string() + "\"}"};
      uow->audit().append(grace);
      auto done = co_await uow->commit();
      if (!done) co_return std::unexpected(done.error());
      const Principal principal{t.tenant_id, t.user_id, t.role, t.email, t.name};
      co_return TokenPair{deps_.tokens.issue_access_token(principal), std::move(again.token)};
    }
    // Derived under another key (rotated meanwhile): refuse, and leave the family to its holder.
    co_return std::unexpected(invalid);
  }
  if (t.spent) {
    // A spent token came back: someone holds a copy of it. End the whole family.
    uow->users().revoke_refresh_family(t.family_id);
    const AuditEntry reuse{"auth.refresh_reuse",
                           t.user_id,
                           "user",
                           t.user_id.to_string(),
                           ctx.origin(),
                           "denied",
                           R"({"family_id":")" + t.family_id.to_string() + "\"}"};
    uow->audit().append(reuse);
    auto done = co_await uow->commit();
    if (!done) co_return std::unexpected(done.error());
    co_return std::unexpected(invalid);
  }
  if (t.expired || !t.user_live) co_return std::unexpected(invalid);

  NewRefreshToken next = deps_.tokens.successor_of(refresh_token);
  const RefreshTokenGrant successor{deps_.ids.new_id(), t.family_id, next.hash,
                                    deps_.tokens.refresh_token_lifetime()};
  uow->users().spend_refresh_token(t.id, successor.id);
  uow->users().add_refresh_token(t.user_id, successor);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  const Principal principal{t.tenant_id, t.user_id, t.role, t.email, t.name};
  co_return TokenPair{deps_.tokens.issue_access_token(principal), std::move(next.token)};
}

asio::awaitable<Outcome<void>> Logout::operator()(const OperationContext& ctx,
                                                  std::string refresh_token) const {
  if (refresh_token.empty() || refresh_token.size() > 512)
    co_return std::unexpected(failures::unauthorized("Invalid refresh token."));
  const TokenHash presented = deps_.tokens.hash_refresh_token(refresh_token);
  auto uow = deps_.data.begin(ctx, Access::write, TenantOf::refresh_token(presented));
  auto token = co_await uow->users().lock_refresh_token(presented, kRefreshGrace);
  if (!token) co_return std::unexpected(token.error());
  if (!*token) co_return std::unexpected(failures::unauthorized("Invalid refresh token."));
  const RefreshTokenState& t = **token;
  uow->users().revoke_refresh_family(t.family_id);
  const AuditEntry logged_out{"auth.logout", t.user_id, "user", t.user_id.to_string(),
                              ctx.origin()};
  uow->audit().append(logged_out);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<Principal>> Authenticate::operator()(const OperationContext& ctx,
                                                             std::string_view bearer) const {
  auto claims = deps_.tokens.verify_access_token(bearer);
  if (!claims)
    co_return std::unexpected(failures::unauthorized("Invalid or expired access token."));
  auto user = co_await deps_.authenticated_users.find(ctx, claims->tenant_id, claims->user_id);
  if (!user) co_return std::unexpected(user.error());
  if (!*user)
    co_return std::unexpected(failures::unauthorized("The token's user no longer exists."));
  co_return std::move(**user);
}

}  // namespace brandos::application
