#pragma once
// Request rates of the busiest tenants (issue 13), with the label's cardinality bounded however
// many tenants there are: requests are counted per tenant over a window (a minute by default),
// and when it closes the `top` busiest are published as
// brandos_tenant_requests_per_second{tenant="<id>"}, the rest summed under tenant="other".
//
// Counting is the Space-Saving algorithm (Metwally et al.): at most `tracked` tenants are held;
// a new one beyond that takes the place of the least counted and inherits its count, so a tenant
// busy enough to be in the top is always held and over-counted by at most the count it inherited
// (the published rate reports the count without that inheritance: a lower bound, exact for every
// tenant first seen while there was room).
//
// Thread-safety: all members from any thread (one mutex; the hot path is a hash lookup).
#include <chrono>
#include <cstdint>
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
  BusiestTenants(std::size_t top, std::chrono::milliseconds window, std::size_t tracked = 1000);

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
    std::uint64_t count = 0;
    std::uint64_t inherited = 0;  // the evicted tenant's count this one took over
  };
  void roll(Clock::time_point now);  // under mutex_

  std::size_t top_;
  std::chrono::milliseconds window_;
  std::size_t tracked_;
  std::mutex mutex_;
  Clock::time_point window_ends_;
  std::uint64_t total_ = 0;  // requests in the open window
  std::unordered_map<domain::Uuid, Count, UuidHash> counts_;
  std::vector<std::pair<std::string, double>> published_;
};

}  // namespace brandos::observability
