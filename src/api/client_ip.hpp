#pragma once
// The client's address: the TCP peer, unless the peer is a configured trusted proxy, in which
// case X-Forwarded-For is read from the right, skipping trusted proxies, and the first address
// that is not one is the client. Untrusted peers cannot spoof their address with the header.
//
// Proxies are given as addresses or CIDR ranges ("10.0.0.0/8", "fd00::/8", "127.0.0.1"). An
// IPv4 address seen as IPv4-mapped IPv6 ("::ffff:10.0.0.5", as a dual-stack socket reports it)
// is the IPv4 address, both when matching and in the result.
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace brandos::api {

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Throws std::invalid_argument naming the first entry that is not an address or range.
  explicit TrustedProxies(const std::vector<std::string>& entries);
  bool contains(const boost::asio::ip::address& a) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

// Who a per-address rate limit counts: an IPv4 address, or the /64 of an IPv6 one (a single
// subscriber commonly holds a whole /64, so per-address limits would count each of its 2^64
// addresses apart).
std::string rate_limit_subject(std::string_view client_ip);

std::string resolve_client_ip(std::string_view peer, std::string_view forwarded_for,
                              const TrustedProxies& trusted_proxies);

}  // namespace brandos::api
