#pragma once
// Port: access tokens (signed, short-lived, self-contained) and refresh tokens (opaque random
// secrets of which only a hash is stored). Thread-safe.
#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "application/identity/principal.hpp"

namespace brandos::application {

struct AccessClaims {
  domain::Uuid tenant_id;
  domain::Uuid user_id;
  std::string role;  // as issued; the current role is re-read, never trusted from here
  std::string jti;
};

struct IssuedAccessToken {
  std::string token;
  int expires_in_seconds;
};

using TokenHash = std::array<std::uint8_t, 32>;

struct NewRefreshToken {
  std::string token;  // handed to the client once
  TokenHash hash;     // stored
};

class TokenService {
 public:
  virtual ~TokenService() = default;
  virtual IssuedAccessToken issue_access_token(const Principal& principal) = 0;
  // Any failure (signature, algorithm, kid, typ, iss, aud, exp, nbf, shape) is one answer:
  // the token is not acceptable.
  virtual std::expected<AccessClaims, std::string> verify_access_token(std::string_view token) = 0;
  virtual NewRefreshToken new_refresh_token() = 0;
  virtual TokenHash hash_refresh_token(std::string_view token) = 0;
  // The refresh token that `presented` is exchanged for: derived from it under a server key, so
  // the same exchange repeated (two tabs at once) yields the same successor again without its
  // plaintext ever being stored, and no one without the key can derive it.
  virtual NewRefreshToken successor_of(std::string_view presented) = 0;
  virtual std::chrono::seconds refresh_token_lifetime() const = 0;
};

}  // namespace brandos::application
