#include "application/identity/sessions.hpp"

#include "domain/identity/credentials.hpp"

namespace brandos::application {

namespace asio = boost::asio;

asio::awaitable<Outcome<TokenPair>> start_session(const IdentityDependencies& deps,
                                                  const Principal& principal) {
  NewRefreshToken refresh = deps.tokens.new_refresh_token();
  const RefreshTokenGrant grant{deps.ids.new_id(), deps.ids.new_id(), refresh.hash,
                                deps.tokens.refresh_token_lifetime()};
  auto stored =
      co_await deps.repository.store_refresh_token(principal.tenant_id, principal.user_id, grant);
  if (!stored) co_return std::unexpected(stored.error());
  co_return TokenPair{deps.tokens.issue_access_token(principal), std::move(refresh.token)};
}

asio::awaitable<Outcome<TokenPair>> Login::operator()(LoginCommand c) const {
  const std::string email = domain::normalise_email(c.email).value_or("");
  const std::string lock_key = "login-failures:" + c.tenant_slug + ":" + email;
  // Audit entries are built as named values: GCC 12 mishandles braced temporaries inside
  // co_await expressions.
  auto audit_entry = [&](const char* action, const std::optional<UserRecord>& user,
                         const char* outcome) {
    return AuditEntry{
        action, user ? std::optional(user->id) : std::nullopt, "user", email, c.origin, outcome};
  };

  const RateDecision lock = deps_.limiter.peek(lock_key, kLoginFailureLimit);
  if (!lock.allowed) {
    auto found = co_await deps_.repository.find_for_login(c.tenant_slug, email);
    if (found && found->tenant) {
      const AuditEntry entry = audit_entry("auth.login_locked", found->user, "denied");
      co_await deps_.repository.append_audit(found->tenant->id, entry);
    }
    co_return std::unexpected(failures::rate_limited(lock.reset_seconds));
  }

  auto found = co_await deps_.repository.find_for_login(c.tenant_slug, email);
  if (!found) co_return std::unexpected(found.error());
  const bool known = found->tenant && found->user;
  std::string encoded = known ? found->password_hash : decoy_hash_;
  const bool ok = co_await deps_.hasher.verify(std::move(c.password), std::move(encoded));
  if (!known || !ok) {
    if (!found->tenant)
      co_return std::unexpected(failures::unauthorized("Wrong tenant, e-mail or password."));
    const RateDecision d = deps_.limiter.hit(lock_key, kLoginFailureLimit);
    const AuditEntry failed = audit_entry("auth.login_failed", found->user, "failure");
    co_await deps_.repository.append_audit(found->tenant->id, failed);
    if (!d.allowed || d.remaining == 0) {
      const AuditEntry locked = audit_entry("auth.login_locked", found->user, "denied");
      co_await deps_.repository.append_audit(found->tenant->id, locked);
    }
    co_return std::unexpected(failures::unauthorized("Wrong tenant, e-mail or password."));
  }

  deps_.limiter.reset(lock_key);
  const Principal principal{found->tenant->id, found->user->id, found->user->role,
                            found->user->email, found->user->name};
  auto session = co_await start_session(deps_, principal);
  if (!session) co_return std::unexpected(session.error());
  const AuditEntry logged_in{"auth.login", principal.user_id, "user", principal.user_id.to_string(),
                             c.origin,     "success"};
  co_await deps_.repository.append_audit(principal.tenant_id, logged_in);
  co_return session;
}

asio::awaitable<Outcome<TokenPair>> RefreshSession::operator()(std::string refresh_token,
                                                               RequestOrigin origin) const {
  if (refresh_token.empty() || refresh_token.size() > 512)
    co_return std::unexpected(failures::unauthorized("Invalid refresh token."));
  const TokenHash presented = deps_.tokens.hash_refresh_token(refresh_token);
  NewRefreshToken next = deps_.tokens.new_refresh_token();
  RefreshTokenGrant grant{deps_.ids.new_id(), {}, next.hash, deps_.tokens.refresh_token_lifetime()};
  auto rotation = co_await deps_.repository.rotate_refresh_token(presented, grant, origin);
  if (!rotation) co_return std::unexpected(rotation.error());
  if (rotation->result != RotationResult::rotated)
    co_return std::unexpected(failures::unauthorized("Invalid refresh token."));
  co_return TokenPair{deps_.tokens.issue_access_token(*rotation->principal), std::move(next.token)};
}

asio::awaitable<Outcome<void>> Logout::operator()(std::string refresh_token,
                                                  RequestOrigin origin) const {
  if (refresh_token.empty() || refresh_token.size() > 512)
    co_return std::unexpected(failures::unauthorized("Invalid refresh token."));
  auto revoked = co_await deps_.repository.revoke_refresh_family(
      deps_.tokens.hash_refresh_token(refresh_token), origin);
  if (!revoked) co_return std::unexpected(revoked.error());
  if (!*revoked) co_return std::unexpected(failures::unauthorized("Invalid refresh token."));
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<Principal>> Authenticate::operator()(std::string_view bearer) const {
  auto claims = deps_.tokens.verify_access_token(bearer);
  if (!claims)
    co_return std::unexpected(failures::unauthorized("Invalid or expired access token."));
  auto user = co_await deps_.repository.authenticated_user(claims->tenant_id, claims->user_id);
  if (!user) co_return std::unexpected(user.error());
  if (!*user)
    co_return std::unexpected(failures::unauthorized("The token's user no longer exists."));
  co_return std::move(**user);
}

}  // namespace brandos::application
