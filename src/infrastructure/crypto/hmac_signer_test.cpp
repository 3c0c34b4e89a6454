#include "infrastructure/crypto/hmac_signer.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "application/webhooks/deliver_webhooks.hpp"

namespace brandos::crypto {
namespace {

// RFC 4231 test case 2, and the signature header built on it.
TEST(HmacSigner, MatchesRfc4231AndBuildsTheSignatureHeader) {
  ASSERT_GE(sodium_init(), 0);
  HmacSigner s;
  EXPECT_EQ(s.hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string previous = "old";
  const auto header =
      application::DeliverWebhooks::signature(s, 1700000000, "{}", "new", &previous);
  EXPECT_EQ(header, "t=1700000000,v1=" + s.hmac_sha256_hex("new", "1700000000.{}") +
                        ",v1=" + s.hmac_sha256_hex("old", "1700000000.{}"));
}

}  // namespace
}  // namespace brandos::crypto
