#include "api/client_ip.hpp"

#include <gtest/gtest.h>

namespace brandos::api {
namespace {

TEST(ClientIp, IgnoresForwardedForFromUntrustedPeers) {
  EXPECT_EQ(resolve_client_ip("203.0.113.9", "1.2.3.4", TrustedProxies({"10.0.0.1"})),
            "203.0.113.9");
}

TEST(ClientIp, TakesTheFirstUntrustedHopFromTheRight) {
  const TrustedProxies proxies({"10.0.0.1", "10.0.0.2"});
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", proxies),
            "198.51.100.7");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "10.0.0.2", proxies), "10.0.0.1");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "", proxies), "10.0.0.1");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "1.1.1.1,,", proxies), "10.0.0.1");
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "not-an-address", proxies), "10.0.0.1");
}

// Issue 9, item 17.
TEST(ClientIp, TrustsCidrRangesAndIpv4MappedPeers) {
  const TrustedProxies proxies({"10.0.0.0/8", " fd00::/8", "192.168.1.1/32"});
  EXPECT_EQ(resolve_client_ip("10.20.30.40", "198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(resolve_client_ip("::ffff:10.1.2.3", "198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(resolve_client_ip("fd12::1", "2001:db8::5, 10.9.9.9", proxies), "2001:db8::5");
  EXPECT_EQ(resolve_client_ip("192.168.1.2", "198.51.100.7", proxies), "192.168.1.2");
  EXPECT_EQ(resolve_client_ip("11.0.0.1", "198.51.100.7", proxies), "11.0.0.1");
  // A mapped client address is reported as IPv4, as is a mapped peer.
  EXPECT_EQ(resolve_client_ip("10.0.0.1", "::ffff:198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(resolve_client_ip("::ffff:203.0.113.9", "", proxies), "203.0.113.9");
}

TEST(ClientIp, RateLimitsCountAnIpv6SubscribersWhole64) {
  EXPECT_EQ(rate_limit_subject("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(rate_limit_subject("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(rate_limit_subject("2001:db8:1:2:bbbb::7"), "2001:db8:1:2::/64");
  EXPECT_EQ(rate_limit_subject("unknown"), "unknown");
}

TEST(ClientIp, RefusesEntriesThatAreNotAddressesOrRanges) {
  for (const char* bad :
       {"10.0.0.0/33", "fd00::/129", "localhost", "10.0.0.0/", "10.0.0.0/x", "1.2.3.4/8/9"})
    EXPECT_THROW(TrustedProxies({bad}), std::invalid_argument) << bad;
  EXPECT_TRUE(TrustedProxies({"", " "}).empty());
}

}  // namespace
}  // namespace brandos::api
