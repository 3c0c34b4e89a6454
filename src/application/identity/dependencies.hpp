#pragma once
// The ports the identity use cases work with, wired once by the composition root. All are
// borrowed and must outlive the use cases.
#include "application/ports/id_generator.hpp"
#include "application/ports/identity_repository.hpp"
#include "application/ports/password_hasher.hpp"
#include "application/ports/password_strength.hpp"
#include "application/ports/rate_limiter.hpp"
#include "application/ports/token_service.hpp"

namespace brandos::application {

struct IdentityDependencies {
  IdentityRepository& repository;
  PasswordHasher& hasher;
  const PasswordStrength& strength;
  TokenService& tokens;
  RateLimiter& limiter;
  IdGenerator& ids;
};

// After this many failed logins for one account within the window, further attempts are
// refused until the window has passed (API.md).
inline constexpr RateLimit kLoginFailureLimit{5, std::chrono::minutes(15)};

}  // namespace brandos::application
