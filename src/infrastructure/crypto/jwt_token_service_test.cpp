#include "infrastructure/crypto/jwt_token_service.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brandos::crypto {
namespace {

std::string b64url(std::string_view s) {
  std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string unb64url(std::string_view s) {
  std::string out(s.size(), '\0');
  std::size_t n = 0;
  sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(), s.size(),
                    nullptr, &n, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(n);
  return out;
}

// HS256 over header.payload with `secret`: for forging tokens the service must reject.
std::string sign(const std::string& header, const std::string& payload,
                 const std::vector<unsigned char>& secret) {
  std::string input = b64url(header) + "." + b64url(payload);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, secret.data(), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return input + "." + b64url(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    key_ = SigningKey{"k1", std::vector<unsigned char>(32, 7)};
    other_ = SigningKey{"k2", std::vector<unsigned char>(32, 9)};
    TokenSettings s;
    s.keys = {key_, other_};
    service_ = std::make_unique<JwtTokenService>(s);
    principal_.tenant_id = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000a");
    principal_.user_id = *domain::Uuid::parse("018f0000-0000-7000-8000-0000000000ff");
    principal_.role = domain::Role::admin;
  }
  boost::json::object claims_now(std::int64_t exp_offset = 600) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return {{"iss", "brandos"},
            {"aud", "brandos-api"},
            {"sub", principal_.user_id.to_string()},
            {"tid", principal_.tenant_id.to_string()},
            {"role", "admin"},
            {"jti", "x"},
            {"iat", now},
            {"nbf", now},
            {"exp", now + exp_offset}};
  }
  std::string forged(boost::json::object header, boost::json::object claims,
                     const std::vector<unsigned char>& secret) {
    return sign(boost::json::serialize(header), boost::json::serialize(claims), secret);
  }

  SigningKey key_, other_;
  std::unique_ptr<JwtTokenService> service_;
  application::Principal principal_;
};

TEST_F(JwtTest, IssuesAnAtJwtThatVerifies) {
  const auto t = service_->issue_access_token(principal_);
  EXPECT_EQ(t.expires_in_seconds, 900);
  const auto header =
      boost::json::parse(unb64url(t.token.substr(0, t.token.find('.')))).as_object();
  EXPECT_EQ(header.at("typ").as_string(), "at+jwt");
  EXPECT_EQ(header.at("kid").as_string(), "k1");
  EXPECT_EQ(header.at("alg").as_string(), "HS256");
  const auto claims = service_->verify_access_token(t.token);
  ASSERT_TRUE(claims) << claims.error();
  EXPECT_EQ(claims->tenant_id, principal_.tenant_id);
  EXPECT_EQ(claims->user_id, principal_.user_id);
  EXPECT_EQ(claims->role, "admin");
}

TEST_F(JwtTest, AcceptsEveryConfiguredKeyForRotation) {
  const std::string t =
      forged({{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "k2"}}, claims_now(), other_.secret);
  EXPECT_TRUE(service_->verify_access_token(t)) << service_->verify_access_token(t).error();
}

TEST_F(JwtTest, RejectsForgeriesAndBadClaims) {
  const boost::json::object good_header{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "k1"}};
  // alg none, with or without a signature.
  const std::string none_input = b64url(R"({"alg":"none","typ":"at+jwt","kid":"k1"})") + "." +
                                 b64url(boost::json::serialize(claims_now()));
  EXPECT_FALSE(service_->verify_access_token(none_input + "."));
  EXPECT_FALSE(service_->verify_access_token(none_input));
  // Signed with a key the service does not have, under a known kid.
  EXPECT_FALSE(service_->verify_access_token(
      forged(good_header, claims_now(), std::vector<unsigned char>(32, 1))));
  // Another algorithm name.
  auto hs512 = good_header;
  hs512["alg"] = "HS512";
  EXPECT_FALSE(service_->verify_access_token(forged(hs512, claims_now(), key_.secret)));
  // Wrong typ, unknown kid.
  auto jwt_typ = good_header;
  jwt_typ["typ"] = "JWT";
  EXPECT_FALSE(service_->verify_access_token(forged(jwt_typ, claims_now(), key_.secret)));
  auto unknown_kid = good_header;
  unknown_kid["kid"] = "k9";
  EXPECT_FALSE(service_->verify_access_token(forged(unknown_kid, claims_now(), key_.secret)));
  // Expired, not yet valid, wrong audience or issuer.
  EXPECT_FALSE(service_->verify_access_token(forged(good_header, claims_now(-1), key_.secret)));
  auto future = claims_now();
  future["nbf"] = future["iat"].as_int64() + 3600;
  EXPECT_FALSE(service_->verify_access_token(forged(good_header, future, key_.secret)));
  auto aud = claims_now();
  aud["aud"] = "someone-else";
  EXPECT_FALSE(service_->verify_access_token(forged(good_header, aud, key_.secret)));
  auto iss = claims_now();
  iss["iss"] = "evil";
  EXPECT_FALSE(service_->verify_access_token(forged(good_header, iss, key_.secret)));
  // A tampered payload under the original signature.
  const std::string t = service_->issue_access_token(principal_).token;
  const auto d1 = t.find('.'), d2 = t.rfind('.');
  auto tampered_claims = boost::json::parse(unb64url(t.substr(d1 + 1, d2 - d1 - 1))).as_object();
  tampered_claims["role"] = "owner";
  const std::string tampered =
      t.substr(0, d1) + "." + b64url(boost::json::serialize(tampered_claims)) + t.substr(d2);
  EXPECT_FALSE(service_->verify_access_token(tampered));
  // Garbage.
  for (const char* g : {"", "a.b.c", "....", "eyJ.eyJ.sig"})
    EXPECT_FALSE(service_->verify_access_token(g)) << g;
  EXPECT_FALSE(service_->verify_access_token(std::string(5000, 'a')));
}

TEST_F(JwtTest, RefreshTokensAreRandomAndStoredAsHashes) {
  const auto a = service_->new_refresh_token();
  const auto b = service_->new_refresh_token();
  EXPECT_NE(a.token, b.token);
  EXPECT_GE(a.token.size(), 43u);  // 256 bits
  EXPECT_EQ(service_->hash_refresh_token(a.token), a.hash);
  EXPECT_NE(a.hash, b.hash);
}

TEST_F(JwtTest, ASuccessorIsTheSameForTheSameTokenAndUnguessableWithoutTheKey) {
  const auto token = service_->new_refresh_token();
  const auto next = service_->successor_of(token.token);
  EXPECT_EQ(service_->successor_of(token.token).token, next.token);  // repeatable
  EXPECT_EQ(service_->hash_refresh_token(next.token), next.hash);
  EXPECT_GE(next.token.size(), 43u);  // 256 bits
  EXPECT_NE(next.token, token.token);
  EXPECT_NE(service_->successor_of(service_->new_refresh_token().token).token, next.token);
  // Another signing key derives another successor: knowing the token alone is not enough.
  TokenSettings elsewhere;
  elsewhere.keys = {other_};
  EXPECT_NE(JwtTokenService(elsewhere).successor_of(token.token).token, next.token);
}

TEST(SigningKeys, ParsesAndValidates) {
  ASSERT_GE(sodium_init(), 0);
  const std::string k = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // 32 bytes
  const auto keys = parse_signing_keys("a=" + k + ",b=" + k);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].kid, "a");
  EXPECT_EQ(keys[0].secret.size(), 32u);
  EXPECT_THROW(parse_signing_keys("a=c2hvcnQ="), std::invalid_argument);  // too short
  EXPECT_THROW(parse_signing_keys("=" + k), std::invalid_argument);
  EXPECT_THROW(parse_signing_keys("nokey"), std::invalid_argument);
}

}  // namespace
}  // namespace brandos::crypto
