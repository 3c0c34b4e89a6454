#pragma once
// RateLimiter for a single node: a sliding-window counter per key (the previous window's count,
// weighted by how much of it still overlaps, plus the current one), in 16 mutex-guarded shards so
// threads rarely meet.
//
// Memory is bounded whatever callers send, because keys reach here before authentication (a login's
// tenant and e-mail): a key is kept as a keyed 128-bit BLAKE2b digest, so a 1 MB key costs what a
// 10-byte one does; peek() never creates an entry; each entry remembers its own window and is dead
// two windows after its last count; and a shard holds at most max_entries / 16 entries, dropping
// the least recently counted one when full — but not one at its limit while the few oldest include
// one that is not, so a flood of new keys cannot buy back a lockout. Each shard keeps one recency
// list per window length, and an entry is dead two windows after it was last counted, so along a
// list entries die in order: dead ones are swept from the old ends, a few per call, and no call
// scans a shard.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "application/ports/rate_limiter.hpp"

namespace brandos::local {

class InProcessRateLimiter final : public application::RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kDefaultMaxEntries = 200'000;  // ~25 MB at most

  explicit InProcessRateLimiter(std::size_t max_entries = kDefaultMaxEntries,
                                std::function<Clock::time_point()> now = Clock::now);

  application::RateDecision hit(std::string_view key, const application::RateLimit& limit) override;
  application::RateDecision peek(std::string_view key,
                                 const application::RateLimit& limit) override;
  void reset(std::string_view key) override;
  void forgive(std::string_view key) override;

  // Entries held now, and live entries dropped because a shard was full (each a limit forgotten
  // early: worth an operator's attention if it grows).
  std::size_t size() const;
  std::uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

 private:
  using Digest = std::array<std::uint64_t, 2>;
  struct DigestHash {
    std::size_t operator()(const Digest& d) const noexcept { return d[0]; }
  };
  struct Entry {
    Clock::time_point start;  // of the current window
    Clock::time_point last_counted;
    Clock::duration window{};
    int current = 0;
    int previous = 0;
    int limit = 0;          // of the latest caller: an entry at it is not evicted first
    std::size_t queue = 0;  // index of its recency list in the shard
    std::list<Digest>::iterator place;
  };
  struct RecencyList {
    Clock::duration window;
    std::list<Digest> keys;  // front: counted most recently
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<Digest, Entry, DigestHash> entries;
    std::vector<RecencyList> lists;  // one per window length in use: a handful
  };

  Digest digest(std::string_view key) const;
  Shard& shard(const Digest& d) { return shards_[d[1] % shards_.size()]; }
  static std::size_t list_of(Shard& s, Clock::duration window);
  static void sweep(Shard& s, Clock::time_point now);
  void evict_least_recent(Shard& s, Clock::time_point now);

  std::size_t max_per_shard_;
  std::function<Clock::time_point()> now_;
  std::array<unsigned char, 16> digest_key_{};  // random per process: digests cannot be aimed
  std::array<Shard, 16> shards_;
  std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace brandos::local
