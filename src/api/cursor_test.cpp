#include "api/cursor.hpp"

#include <gtest/gtest.h>

namespace brandos::api {
namespace {

const auto kTenant = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000a");
const auto kOther = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000b");
const auto kLast = *domain::Uuid::parse("018f3a5e-7c1d-7b2a-9f00-0123456789ab");

TEST(Cursor, RoundTrips) {
  const std::string c = encode_cursor("users", kTenant, kLast);
  EXPECT_EQ(c.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(decode_cursor(c, "users", kTenant), kLast);
}

TEST(Cursor, RejectsForeignAndMalformed) {
  const std::string c = encode_cursor("users", kTenant, kLast);
  EXPECT_FALSE(decode_cursor(c, "audit", kTenant));
  EXPECT_FALSE(decode_cursor(c, "users", kOther));
  EXPECT_FALSE(decode_cursor("not a cursor!", "users", kTenant));
  EXPECT_FALSE(decode_cursor("", "users", kTenant));
  EXPECT_FALSE(decode_cursor(c.substr(0, c.size() - 3), "users", kTenant));
}

}  // namespace
}  // namespace brandos::api
