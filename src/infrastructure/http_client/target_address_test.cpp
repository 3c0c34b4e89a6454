#include "infrastructure/http_client/target_address.hpp"

#include <gtest/gtest.h>

namespace brandos::http_client {
namespace {

bool ok(const char* a) {
  return is_public_address(boost::asio::ip::make_address(a));
}

TEST(WebhookTargetAddress, PublicAddressesPass) {
  for (const char* a :
       {"8.8.8.8", "1.1.1.1", "93.184.216.34", "100.63.255.255", "100.128.0.1", "172.32.0.1",
        "2606:4700:4700::1111", "2a00:1450:4001:82b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808",
        "2002:808:808::1", "64:ff9b:1::808:808"})
    EXPECT_TRUE(ok(a)) << a;
}

TEST(WebhookTargetAddress, InternalAddressesAreRefused) {
  for (const char* a : {"127.0.0.1",
                        "127.255.255.254",
                        "10.0.0.1",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.168.1.1",
                        "169.254.169.254",
                        "100.64.0.1",
                        "0.0.0.0",
                        "224.0.0.1",
                        "255.255.255.255",
                        "192.0.2.1",
                        "198.18.0.1",
                        "::1",
                        "::",
                        "fe80::1",
                        "fc00::1",
                        "fd12:3456::1",
                        "ff02::1",
                        "::ffff:127.0.0.1",
                        "::ffff:169.254.169.254",
                        "64:ff9b::a9fe:a9fe",
                        "::127.0.0.1",
                        "2001:db8::1",
                        "fec0::1",
                        "64:ff9b:1::7f00:1",
                        "2002:a00:1::1",
                        "2002:7f00:1::",
                        "::ffff:0:127.0.0.1",
                        "2001:0:4136:e378:8000:63bf:3fff:fdd2"})
    EXPECT_FALSE(ok(a)) << a;
}

}  // namespace
}  // namespace brandos::http_client
