#include "api/client_ip.hpp"

#include <gtest/gtest.h>

namespace brandos::api {
namespace {

TEST(ClientIp, IgnoresForwardedForFromUntrustedPeers) {
  EXPECT_EQ(resolve_client_ip("203.0.113.9", "1.2.3.4", {"10.0.0.1"}), "203.0.113.9");
}

TEST(ClientIp, TakesTheFirstUntrustedHopFromTheRight) {
  const std::vector<std::string> proxies = {"10.0.0.1", "10.0.0.2"};
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", proxies),
            "198.51.100.7");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "10.0.0.2", proxies), "10.0.0.1");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "", proxies), "10.0.0.1");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "1.1.1.1,,", proxies), "10.0.0.1");
}

}  // namespace
}  // namespace brandos::api
