#pragma once
// TokenService: access tokens are JWTs signed with HS256 (header typ "at+jwt" per RFC 9068,
// kid naming the key; several verification keys allow rotation, the first one signs). Only
// HS256 is accepted, and the header is checked before anything else is trusted, so "none" or
// another algorithm can never be used to forge one. Signing and the constant-time MAC check use
// libsodium; see docs/adr/0005-access-and-refresh-tokens.md for why not libjwt. Refresh tokens are
// 256 random bits, base64url, stored as their SHA-256; a successor is the HMAC of the token it
// replaces under a key derived from the signing key.
#include <chrono>
#include <string>
#include <vector>

#include "application/ports/token_service.hpp"

namespace brandos::crypto {

struct SigningKey {
  std::string kid;
  std::vector<unsigned char> secret;  // at least 32 bytes
};

struct TokenSettings {
  std::vector<SigningKey> keys;  // keys[0] signs
  std::string issuer = "brandos";
  std::string audience = "brandos-api";
  std::chrono::seconds access_lifetime{900};
  std::chrono::seconds refresh_lifetime{30 * 24 * 3600};
};

// Parses "kid=base64,kid2=base64" (standard base64); throws std::invalid_argument on bad input.
std::vector<SigningKey> parse_signing_keys(const std::string& text);

class JwtTokenService final : public application::TokenService {
 public:
  explicit JwtTokenService(TokenSettings settings);
  application::IssuedAccessToken issue_access_token(const application::Principal& p) override;
  std::expected<application::AccessClaims, std::string> verify_access_token(
      std::string_view token) override;
  application::NewRefreshToken new_refresh_token() override;
  application::TokenHash hash_refresh_token(std::string_view token) override;
  application::NewRefreshToken successor_of(std::string_view presented) override;
  std::chrono::seconds refresh_token_lifetime() const override {
    return settings_.refresh_lifetime;
  }

 private:
  TokenSettings settings_;
  std::vector<unsigned char> successor_key_;  // from the signing key, for this purpose only
};

}  // namespace brandos::crypto
