#pragma once
// RateLimiter for a single node: a sliding-window counter per key (the previous window's count,
// weighted by how much of it still overlaps, plus the current one), in 16 mutex-guarded shards so
// threads rarely meet. Idle keys are swept as their shard grows.
#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "application/ports/rate_limiter.hpp"

namespace brandos::local {

class InProcessRateLimiter final : public application::RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  application::RateDecision hit(std::string_view key, const application::RateLimit& limit) override;
  application::RateDecision peek(std::string_view key,
                                 const application::RateLimit& limit) override;
  void reset(std::string_view key) override;

 private:
  struct Window {
    Clock::time_point start;
    int current = 0;
    int previous = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Window> windows;
  };
  application::RateDecision decide(std::string_view key, const application::RateLimit& limit,
                                   bool count);
  Shard& shard(std::string_view key);

  std::array<Shard, 16> shards_;
};

}  // namespace brandos::local
