#pragma once
// The client's address: the TCP peer, unless the peer is a configured trusted proxy, in which
// case X-Forwarded-For is read from the right, skipping trusted proxies, and the first address
// that is not one is the client. Untrusted peers cannot spoof their address with the header.
#include <string>
#include <string_view>
#include <vector>

namespace brandos::api {

std::string resolve_client_ip(std::string_view peer, std::string_view forwarded_for,
                              const std::vector<std::string>& trusted_proxies);

}  // namespace brandos::api
