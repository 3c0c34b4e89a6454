#pragma once
// What the operator page charts (issue 13): the node's figures sampled from the metrics registry
// at a fixed step and kept for a day, so the page shows the last hour the moment it opens rather
// than starting empty. Each sample holds cumulative counts; rates, latency percentiles and
// trailing windows are derived when asked, so a missed or late sample never skews a figure.
//
// Bounded: `capacity` samples (24 h at the default 10 s step is 8,640 samples of a few hundred
// bytes). Thread-safety: all members from any thread.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

class OperatorHistory {
 public:
  OperatorHistory(const Registry& registry, std::size_t capacity);

  // Reads the registry and appends one sample stamped `unix_seconds` (shown) and
  // `steady_seconds` (what steps and windows are measured by: a wall clock set back or forward
  // must not reorder the samples or stretch a rate).
  void sample(double unix_seconds, double steady_seconds);

  // The last `seconds` of history as JSON arrays aligned on "t" (unix seconds):
  //   requests_per_second, server_errors_per_second (5xx), latency_p50_ms, latency_p99_ms (null
  //   where a step served nothing), orders_per_minute (created in the trailing minute),
  //   revenue_last_hour {currency: [minor units taken in the trailing hour]},
  // and "now": the dependencies' breaker states, the busiest tenants' request rates and the
  // gauges an operator checks first.
  // A window holding more than `max_points` steps is shown in coarser steps (each spanning
  // several samples, so nothing is skipped: the figures are over the whole of each step).
  std::string to_json(double seconds, std::size_t max_points = 1000) const;

  // The q-quantile (0..1) of the observations between two cumulative histogram snapshots, by
  // linear interpolation inside the bucket the way Prometheus's histogram_quantile does; NaN when
  // nothing was observed. `bounds` are the upper bounds without +Inf.
  static double quantile(const std::vector<double>& bounds,
                         const std::vector<std::uint64_t>& before,
                         const std::vector<std::uint64_t>& after, double q);

 private:
  struct Sample {
    double t = 0;     // unix seconds, for display
    double mono = 0;  // steady-clock seconds, for arithmetic
    double requests = 0;
    double server_errors = 0;
    std::vector<std::uint64_t> latency;  // cumulative buckets (+Inf last)
    double orders_created = 0;
    std::vector<std::pair<std::string, double>> revenue;  // cumulative, by currency
  };
  // The latest sample at or before steady-clock `mono` (the oldest one when none is).
  std::size_t at_or_before(double mono) const;

  const Registry& registry_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Sample> samples_;
  std::vector<double> latency_bounds_;
};

}  // namespace brandos::observability
