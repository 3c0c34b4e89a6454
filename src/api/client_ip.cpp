#include "api/client_ip.hpp"

#include <optional>
#include <stdexcept>

namespace brandos::api {

namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The address, with IPv4-mapped IPv6 turned into IPv4; nullopt when it is not one.
std::optional<ip::address> address_of(std::string_view text) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const std::string& raw : entries) {
    const std::string_view entry = trim(raw);
    if (entry.empty()) continue;
    const std::size_t slash = entry.find('/');
    const auto a = address_of(entry.substr(0, slash));
    unsigned prefix = a && a->is_v4() ? 32 : 128;
    bool ok = a.has_value();
    if (ok && slash != std::string_view::npos) {
      const std::string_view digits = entry.substr(slash + 1);
      unsigned parsed = 0;
      ok = !digits.empty() && digits.size() <= 3;
      for (char c : digits) {
        ok = ok && c >= '0' && c <= '9';
        parsed = parsed * 10 + static_cast<unsigned>(c - '0');
      }
      ok = ok && parsed <= prefix;
      prefix = parsed;
    }
    if (!ok)
      throw std::invalid_argument("not an IP address or CIDR range: \"" + std::string(entry) +
                                  "\"");
    if (a->is_v4())
      v4_.push_back(ip::make_network_v4(a->to_v4(), prefix).canonical());
    else
      v6_.push_back(ip::make_network_v6(a->to_v6(), prefix).canonical());
  }
}

std::string rate_limit_subject(std::string_view client_ip) {
  const auto a = address_of(client_ip);
  if (!a || a->is_v4()) return std::string(client_ip);
  return ip::make_network_v6(a->to_v6(), 64).canonical().to_string();
}

bool TrustedProxies::contains(const ip::address& a) const {
  if (a.is_v4()) {
    for (const auto& n : v4_)
      if (ip::make_network_v4(a.to_v4(), n.prefix_length()).canonical() == n) return true;
    return false;
  }
  for (const auto& n : v6_)
    if (ip::make_network_v6(a.to_v6(), n.prefix_length()).canonical() == n) return true;
  return false;
}

std::string resolve_client_ip(std::string_view peer, std::string_view forwarded_for,
                              const TrustedProxies& trusted_proxies) {
  const auto peer_address = address_of(peer);
  const std::string peer_text = peer_address ? peer_address->to_string() : std::string(peer);
  if (!peer_address || !trusted_proxies.contains(*peer_address) || forwarded_for.empty())
    return peer_text;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view hop =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    const auto hop_address = hop.size() <= 45 ? address_of(hop) : std::nullopt;
    if (!hop_address) return peer_text;  // malformed: trust nothing the proxies added
    if (!trusted_proxies.contains(*hop_address)) return hop_address->to_string();
  }
  return peer_text;
}

}  // namespace brandos::api
