#include "api/client_ip.hpp"

#include <algorithm>

namespace brandos::api {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
bool trusted(std::string_view ip, const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), ip) != list.end();
}
}  // namespace

std::string resolve_client_ip(std::string_view peer, std::string_view forwarded_for,
                              const std::vector<std::string>& trusted_proxies) {
  if (!trusted(peer, trusted_proxies) || forwarded_for.empty()) return std::string(peer);
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view hop =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (hop.empty() || hop.size() > 45) return std::string(peer);  // malformed: trust nothing
    if (!trusted(hop, trusted_proxies)) return std::string(hop);
  }
  return std::string(peer);
}

}  // namespace brandos::api
