#pragma once
// Wall-clock instants as operators read them on the admin listener's pages.
#include <chrono>
#include <ctime>
#include <string>

namespace brandos::observability {

// Now, as RFC 3339 in UTC to the second ("2026-11-28T11:23:21Z").
inline std::string utc_now_rfc3339() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The steady clock's now, in seconds with a fraction (for durations; never set back).
inline double steady_seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Now, as unix seconds with a fraction.
inline double unix_seconds_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace brandos::observability
