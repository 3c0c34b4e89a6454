#include "infrastructure/crypto/jwt_token_service.hpp"

#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace brandos::crypto {

namespace {

constexpr std::size_t kMaxTokenBytes = 4096;

std::string base64url(const unsigned char* data, std::size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::optional<std::string> from_base64(std::string_view text, int variant) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, variant) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

// HMAC-SHA256 (RFC 2104) of `input` under `secret`, as raw bytes.
std::string mac_of(const std::vector<unsigned char>& secret, std::string_view input) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret.data(), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<SigningKey> parse_signing_keys(const std::string& text) {
  std::vector<SigningKey> keys;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, end - pos);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("each key must be kid=base64secret");
    const auto secret = from_base64(item.substr(eq + 1), sodium_base64_VARIANT_ORIGINAL);
    if (!secret || secret->size() < 32)
      throw std::invalid_argument("key " + item.substr(0, eq) +
                                  " must be base64 of at least 32 bytes");
    keys.push_back({item.substr(0, eq), {secret->begin(), secret->end()}});
    pos = end + 1;
  }
  if (keys.empty()) throw std::invalid_argument("no keys");
  return keys;
}

JwtTokenService::JwtTokenService(TokenSettings settings) : settings_(std::move(settings)) {
  if (settings_.keys.empty()) throw std::invalid_argument("JwtTokenService needs a signing key");
  const std::string derived = mac_of(settings_.keys.front().secret, "brandos refresh successor v1");
  successor_key_.assign(derived.begin(), derived.end());
}

application::IssuedAccessToken JwtTokenService::issue_access_token(
    const application::Principal& p) {
  const SigningKey& key = settings_.keys.front();
  unsigned char jti[16];
  randombytes_buf(jti, sizeof jti);
  const std::int64_t now = now_seconds();
  const boost::json::object header{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", key.kid}};
  const boost::json::object claims{{"iss", settings_.issuer},
                                   {"aud", settings_.audience},
                                   {"sub", p.user_id.to_string()},
                                   {"tid", p.tenant_id.to_string()},
                                   {"role", domain::to_string(p.role)},
                                   {"jti", base64url(jti, sizeof jti)},
                                   {"iat", now},
                                   {"nbf", now},
                                   {"exp", now + settings_.access_lifetime.count()}};
  const std::string h = boost::json::serialize(header);
  const std::string c = boost::json::serialize(claims);
  std::string token = base64url(reinterpret_cast<const unsigned char*>(h.data()), h.size()) + "." +
                      base64url(reinterpret_cast<const unsigned char*>(c.data()), c.size());
  const std::string mac = mac_of(key.secret, token);
  token += "." + base64url(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  return {std::move(token), static_cast<int>(settings_.access_lifetime.count())};
}

std::expected<application::AccessClaims, std::string> JwtTokenService::verify_access_token(
    std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return std::unexpected("size");
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return std::unexpected("shape");
  // The header decides nothing until we have checked it ourselves.
  const auto header_json =
      from_base64(token.substr(0, dot), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  if (!header_json) return std::unexpected("header encoding");
  boost::system::error_code ec;
  const boost::json::value header = boost::json::parse(*header_json, ec);
  if (ec || !header.is_object()) return std::unexpected("header json");
  const auto& h = header.as_object();
  auto str = [](const boost::json::object& o, const char* k) -> std::string {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (str(h, "alg") != "HS256") return std::unexpected("alg");
  if (str(h, "typ") != "at+jwt") return std::unexpected("typ");
  const std::string kid = str(h, "kid");
  const SigningKey* key = nullptr;
  for (const auto& k : settings_.keys)
    if (k.kid == kid) key = &k;
  if (key == nullptr) return std::unexpected("kid");

  const std::size_t last_dot = token.rfind('.');
  if (last_dot == dot || token.find('.', dot + 1) != last_dot) return std::unexpected("shape");
  const auto signature =
      from_base64(token.substr(last_dot + 1), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  if (!signature || signature->size() != crypto_auth_hmacsha256_BYTES)
    return std::unexpected("signature");
  const std::string expected_mac = mac_of(key->secret, token.substr(0, last_dot));
  if (crypto_verify_32(reinterpret_cast<const unsigned char*>(expected_mac.data()),
                       reinterpret_cast<const unsigned char*>(signature->data())) != 0)
    return std::unexpected("signature");

  const auto payload_json = from_base64(token.substr(dot + 1, last_dot - dot - 1),
                                        sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  if (!payload_json) return std::unexpected("payload encoding");
  const boost::json::value payload = boost::json::parse(*payload_json, ec);
  if (ec || !payload.is_object()) return std::unexpected("payload json");
  const auto& c = payload.as_object();
  auto integer = [&](const char* k) -> std::optional<std::int64_t> {
    const auto* v = c.if_contains(k);
    if (v && v->is_int64()) return v->as_int64();
    if (v && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    return std::nullopt;
  };
  if (str(c, "iss") != settings_.issuer) return std::unexpected("iss");
  if (str(c, "aud") != settings_.audience) return std::unexpected("aud");
  const std::int64_t now = now_seconds();
  const auto exp = integer("exp");
  if (!exp || *exp <= now) return std::unexpected("exp");
  if (const auto nbf = integer("nbf"); c.contains("nbf") && (!nbf || *nbf > now + 5))
    return std::unexpected("nbf");
  if (!integer("iat")) return std::unexpected("iat");
  const auto user = domain::Uuid::parse(str(c, "sub"));
  const auto tenant = domain::Uuid::parse(str(c, "tid"));
  const std::string role = str(c, "role");
  const std::string jti = str(c, "jti");
  if (!user || !tenant || role.empty() || jti.empty()) return std::unexpected("claims");
  return application::AccessClaims{*tenant, *user, role, jti};
}

application::NewRefreshToken JwtTokenService::new_refresh_token() {
  unsigned char secret[32];
  randombytes_buf(secret, sizeof secret);
  application::NewRefreshToken t;
  t.token = base64url(secret, sizeof secret);
  t.hash = hash_refresh_token(t.token);
  sodium_memzero(secret, sizeof secret);
  return t;
}

application::NewRefreshToken JwtTokenService::successor_of(std::string_view presented) {
  const std::string mac = mac_of(successor_key_, presented);
  application::NewRefreshToken t;
  t.token = base64url(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  t.hash = hash_refresh_token(t.token);
  return t;
}

application::TokenHash JwtTokenService::hash_refresh_token(std::string_view token) {
  application::TokenHash h{};
  crypto_hash_sha256(h.data(), reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return h;
}

}  // namespace brandos::crypto
