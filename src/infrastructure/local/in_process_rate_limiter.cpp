#include "infrastructure/local/in_process_rate_limiter.hpp"

#include <cmath>
#include <functional>

namespace brandos::local {

InProcessRateLimiter::Shard& InProcessRateLimiter::shard(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

application::RateDecision InProcessRateLimiter::decide(std::string_view key,
                                                       const application::RateLimit& limit,
                                                       bool count) {
  const auto now = Clock::now();
  const auto window = std::chrono::duration_cast<Clock::duration>(limit.window);
  Shard& s = shard(key);
  std::lock_guard lock(s.mutex);
  if (s.windows.size() > 100000) {
    std::erase_if(s.windows, [&](const auto& kv) { return now - kv.second.start > 2 * window; });
  }
  Window& w = s.windows[std::string(key)];
  if (w.start == Clock::time_point{}) w.start = now;
  // Roll the window forward.
  const auto elapsed_windows = (now - w.start) / window;
  if (elapsed_windows >= 1) {
    w.previous = elapsed_windows == 1 ? w.current : 0;
    w.current = 0;
    w.start += elapsed_windows * window;
  }
  const double into =
      std::chrono::duration<double>(now - w.start) / std::chrono::duration<double>(window);
  auto estimate = [&] { return w.previous * (1.0 - into) + w.current; };
  application::RateDecision d;
  d.allowed = estimate() + 1 <= limit.limit + 1e-9;
  if (d.allowed && count) ++w.current;
  d.remaining = std::max(0, static_cast<int>(std::floor(limit.limit - estimate())));
  const double window_s = std::chrono::duration<double>(window).count();
  double wait_s = (1.0 - into) * window_s;  // when allowed: until this window ends
  if (!d.allowed) {
    if (w.current + 1 <= limit.limit && w.previous > 0) {
      // The previous window's weight has to decay until one more event fits.
      wait_s = window_s * (estimate() + 1 - limit.limit) / w.previous;
    } else {
      // This window alone is full: it must end, then decay as the previous one.
      wait_s += window_s * (1.0 - (limit.limit - 1.0) / std::max(1, w.current));
    }
  }
  // Never more than one window: by then every event counted now has left it.
  d.reset_seconds = std::max(1, static_cast<int>(std::ceil(std::min(wait_s, window_s))));
  return d;
}

application::RateDecision InProcessRateLimiter::hit(std::string_view key,
                                                    const application::RateLimit& limit) {
  return decide(key, limit, true);
}

application::RateDecision InProcessRateLimiter::peek(std::string_view key,
                                                     const application::RateLimit& limit) {
  return decide(key, limit, false);
}

void InProcessRateLimiter::reset(std::string_view key) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mutex);
  s.windows.erase(std::string(key));
}

}  // namespace brandos::local
