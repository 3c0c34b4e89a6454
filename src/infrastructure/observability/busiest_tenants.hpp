#pragma once
// Request rates of the busiest tenants (issue 13), with the label's cardinality bounded however
// many tenants there are: requests are counted per tenant over a window (a minute by default),
// and for the last closed window the `top` busiest are published as
// brandos_tenant_requests_per_second{tenant="<id>"}, the rest summed under tenant="other".
//
// Counting is the Space-Saving algorithm (Metwally et al.): at most `tracked` tenants are held;
// a new one beyond that takes the place of the least counted and inherits its count, so a tenant
// with more than 1/tracked of the window's requests is always held. Ranked and published by the
// requests seen since it was last taken in (its count without the inheritance): a lower bound,
// exact for every tenant first seen while there was room.
//
// Each I/O thread counts in a shard of its own (its lock is only ever contended by a scrape),
// and closing a window there only swaps the counts aside; merging, ranking and naming happen in
// rates(), on the scraping thread. Thread-safety: all members from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/uuid.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

class BusiestTenants {
 public:
  using Clock = std::chrono::steady_clock;
  BusiestTenants(std::size_t top, std::chrono::milliseconds window, std::size_t tracked = 256,
                 Clock::time_point start = Clock::now());

  void record(const domain::Uuid& tenant, Clock::time_point now = Clock::now());
  // The last closed window's rates: the busiest first, then {"other", rest} when there is a rest.
  std::vector<std::pair<std::string, double>> rates(Clock::time_point now = Clock::now());

  // brandos_tenant_requests_per_second, read at each scrape.
  void register_metrics(Registry& registry);

 private:
  struct UuidHash {
    std::size_t operator()(const domain::Uuid& u) const;
  };
  struct Count {
    std::uint64_t count = 0;      // Space-Saving's estimate: what eviction ranks by
    std::uint64_t inherited = 0;  // the evicted tenant's count this one took over
  };
  using Counts = std::unordered_map<domain::Uuid, Count, UuidHash>;
  struct Shard {
    std::mutex mutex;
    Clock::time_point window_ends;
    Counts open;  // the open window
    std::uint64_t open_total = 0;
    Counts closed;  // the last closed window (empty when it saw nothing)
    std::uint64_t closed_total = 0;
  };
  Shard& shard();
  void roll(Shard& s, Clock::time_point now) const;  // under s.mutex

  std::size_t top_;
  std::chrono::milliseconds window_;
  std::size_t tracked_;
  Clock::time_point start_;
  std::uint64_t id_;  // tells this instance's shards apart in the threads' caches
  std::mutex shards_mutex_;
  std::vector<std::unique_ptr<Shard>> shards_;  // one per thread that recorded; never shrinks
};

}  // namespace brandos::observability
