#include "app/operator_history_query.hpp"

#include <charconv>

namespace brandos::app {

std::optional<int> history_minutes(std::string_view query) {
  std::optional<int> minutes = 60;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (!pair.starts_with("minutes=")) continue;
    const std::string_view v = pair.substr(8);
    int n = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || n < 1 || n > 1440)
      return std::nullopt;
    minutes = n;
  }
  return minutes;
}

}  // namespace brandos::app
