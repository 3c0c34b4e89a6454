#include "infrastructure/http_client/gateway_messages.hpp"

#include <gtest/gtest.h>

namespace brandos::http_client {
namespace {

TEST(GatewayMessages, ChargesAreReadStrictly) {
  auto ok = parse_charge(R"({"id":"ch_1","status":"succeeded","decline_code":null})");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->succeeded);
  EXPECT_EQ(ok->reference, "ch_1");
  auto declined =
      parse_charge(R"({"id":"ch_2","status":"declined","decline_code":"card_declined"})");
  ASSERT_TRUE(declined);
  EXPECT_FALSE(declined->succeeded);
  EXPECT_EQ(declined->decline_code, "card_declined");
  // Anything else is not an answer: the outcome stays unknown, never a decline.
  for (const char* bad :
       {"", "null", "[]", R"({"status":"succeeded"})", R"({"id":"ch_1","status":"pending"})",
        R"({"id":"","status":"succeeded"})", R"({"id":"ch 1","status":"succeeded"})",
        R"({"id":1,"status":"succeeded"})", R"({"id":"ch_1","status":"declined","decline_code":5})",
        "{\"id\":"})
    EXPECT_FALSE(parse_charge(bad)) << bad;
}

TEST(GatewayMessages, RefundsAreReadStrictly) {
  auto ok = parse_refund(R"({"id":"re_1","status":"succeeded"})");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->succeeded);
  auto failed =
      parse_refund(R"({"id":"re_2","status":"failed","failure_code":"exceeds_refundable"})");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->failure_code, "exceeds_refundable");
  EXPECT_FALSE(parse_refund(R"({"id":"re_3","status":"declined"})"));
  EXPECT_FALSE(parse_refund(R"({"status":"succeeded"})"));
}

}  // namespace
}  // namespace brandos::http_client
