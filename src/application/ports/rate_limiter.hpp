#pragma once
// Port: counts events per key in a sliding window. The in-process adapter serves one node; a
// shared store (Redis) serves many. Fail-open: if the store is down, requests are allowed.
// Thread-safe.
#include <chrono>
#include <string_view>

namespace brandos::application {

struct RateLimit {
  int limit;  // events allowed per window
  std::chrono::seconds window;
};

struct RateDecision {
  bool allowed = true;
  int remaining = 0;      // events left in the current window
  int reset_seconds = 0;  // until the window has room again
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one event for `key` and says whether it is within the limit.
  virtual RateDecision hit(std::string_view key, const RateLimit& limit) = 0;
  // Whether one more event would be allowed, without counting it.
  virtual RateDecision peek(std::string_view key, const RateLimit& limit) = 0;
  virtual void reset(std::string_view key) = 0;
  // Takes back one event counted by hit() for `key` (an attempt that failed for the server's
  // reasons, not the caller's, must not use up the caller's allowance).
  virtual void forgive(std::string_view key) = 0;
};

}  // namespace brandos::application
