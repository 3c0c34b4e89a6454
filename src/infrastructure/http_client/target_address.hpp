#pragma once
// Which addresses a webhook may be delivered to: public unicast only. Refused: loopback,
// private (RFC 1918, unique local fc00::/7), carrier-grade NAT (100.64/10), link-local
// (169.254/16, fe80::/10, cloud metadata services live there), unspecified, multicast,
// broadcast, reserved and documentation ranges, and IPv6 forms that embed a refused IPv4
// address (v4-mapped, NAT64 64:ff9b::/96).
#include <boost/asio/ip/address.hpp>

namespace brandos::http_client {

bool is_public_address(const boost::asio::ip::address& a);

}  // namespace brandos::http_client
