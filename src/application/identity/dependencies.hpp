#pragma once
// The ports the identity use cases work with, wired once by the composition root. All are
// borrowed and must outlive the use cases.
#include "application/ports/authenticated_users.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/password_hasher.hpp"
#include "application/ports/password_strength.hpp"
#include "application/ports/rate_limiter.hpp"
#include "application/ports/token_service.hpp"
#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

struct IdentityDependencies {
  TenantData& data;
  AuthenticatedUsers& authenticated_users;
  PasswordHasher& hasher;
  const PasswordStrength& strength;
  TokenService& tokens;
  RateLimiter& limiter;
  IdGenerator& ids;
};

// After this many failed logins for one account within the window, further attempts are
// refused until the window has passed (API.md).
inline constexpr RateLimit kLoginFailureLimit{5, std::chrono::minutes(15)};
// A refresh token presented again this soon after it was exchanged, while its successor is still
// unused, gets that same successor (parallel refreshes of two tabs); later it counts as reuse of
// a stolen copy and ends the family. Short, because within it a thief holding the old token gets
// the successor too.
inline constexpr std::chrono::seconds kRefreshGrace{10};
// The password policy allows 128 characters, at most 4 bytes each.
inline constexpr std::size_t kMaxPasswordBytes = 512;

// Writes audit entries in a unit of work of their own, for outcomes that change nothing else
// (a failed login, a denied request). Fails when the database cannot take them.
boost::asio::awaitable<Outcome<void>> record_audit(TenantData& data, const OperationContext& ctx,
                                                   const domain::Uuid& tenant,
                                                   std::vector<AuditEntry> entries);

}  // namespace brandos::application
