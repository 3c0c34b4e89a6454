#include "app/config.hpp"

#include <gtest/gtest.h>

namespace brandos::app {
namespace {

TEST(Endpoint, ParsesHostAndPort) {
  Endpoint e;
  ASSERT_TRUE(parse_endpoint("127.0.0.1:8080", e));
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 8080);
  ASSERT_TRUE(parse_endpoint("[::1]:0", e));
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 0);
}

TEST(Endpoint, RejectsMalformed) {
  Endpoint e;
  for (const char* bad : {"", "8080", "host:", ":80", "h:99999", "h:8o", "::1:80", "[::1]80"})
    EXPECT_FALSE(parse_endpoint(bad, e)) << bad;
}

}  // namespace
}  // namespace brandos::app
