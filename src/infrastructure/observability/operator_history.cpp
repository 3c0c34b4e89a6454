#include "infrastructure/observability/operator_history.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <limits>

namespace brandos::observability {

namespace json = boost::json;

namespace {

double sum_of(const Registry& registry, const std::string& name) {
  double total = 0;
  for (const auto& s : registry.read(name)) total += s.value;
  return total;
}

json::value number_or_null(double v) {
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * 1000) / 1000;  // three decimals are all a chart can show
}

const char* breaker_state(double v) {
  switch (static_cast<int>(v)) {
    case 0:
      return "closed";
    case 1:
      return "open";
    default:
      return "half-open";
  }
}

}  // namespace

OperatorHistory::OperatorHistory(const Registry& registry, std::size_t capacity)
    : registry_(registry), capacity_(std::max<std::size_t>(capacity, 2)) {}

void OperatorHistory::sample(double unix_seconds, double steady_seconds) {
  Sample s;
  s.t = unix_seconds;
  s.mono = steady_seconds;
  for (const auto& r : registry_.read("http_requests_total")) {
    s.requests += r.value;
    if (label_value(r.labels, "status").starts_with('5')) s.server_errors += r.value;
  }
  std::vector<double> bounds;
  if (auto h = registry_.merged("http_request_duration_seconds", &bounds))
    s.latency = std::move(h->cumulative);
  s.orders_created = sum_of(registry_, "brandos_orders_created_total");
  for (const auto& r : registry_.read("brandos_revenue_minor_units_total"))
    s.revenue.emplace_back(label_value(r.labels, "currency"), r.value);

  std::lock_guard lock(mutex_);
  if (!bounds.empty()) latency_bounds_ = std::move(bounds);
  if (!samples_.empty() && s.mono <= samples_.back().mono) return;  // kept in order
  samples_.push_back(std::move(s));
  while (samples_.size() > capacity_) samples_.pop_front();
}

std::size_t OperatorHistory::at_or_before(double mono) const {
  // Samples are appended in steady-clock order; the first one after `mono`, then one back.
  auto it = std::upper_bound(samples_.begin(), samples_.end(), mono,
                             [](double v, const Sample& s) { return v < s.mono; });
  return it == samples_.begin() ? 0 : static_cast<std::size_t>(it - samples_.begin()) - 1;
}

double OperatorHistory::quantile(const std::vector<double>& bounds,
                                 const std::vector<std::uint64_t>& before,
                                 const std::vector<std::uint64_t>& after, double q) {
  if (after.empty() || after.size() != bounds.size() + 1) return std::nan("");
  auto at = [&](std::size_t i) {
    const std::uint64_t b = before.size() == after.size() ? before[i] : 0;
    return after[i] >= b ? static_cast<double>(after[i] - b) : 0.0;  // a reset counts as 0
  };
  const double total = at(after.size() - 1);
  if (total <= 0) return std::nan("");
  const double rank = q * total;
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (at(i) < rank) continue;
    // The +Inf bucket has no upper bound: like Prometheus, answer the highest finite bound.
    if (i == bounds.size()) return bounds.empty() ? std::nan("") : bounds.back();
    const double lower_bound = i == 0 ? 0 : bounds[i - 1];
    const double below = i == 0 ? 0 : at(i - 1);
    const double in_bucket = at(i) - below;
    if (in_bucket <= 0) return bounds[i];
    return lower_bound + (bounds[i] - lower_bound) * (rank - below) / in_bucket;
  }
  return bounds.empty() ? std::nan("") : bounds.back();
}

std::string OperatorHistory::to_json(double seconds, std::size_t max_points) const {
  json::object out;
  json::array t, rps, errors, p50, p99, orders;
  json::object revenue;
  {
    std::lock_guard lock(mutex_);
    if (!samples_.empty()) {
      const std::size_t last = samples_.size() - 1;
      // One sample before the window, so its first point has a step to be a rate over.
      const std::size_t first = at_or_before(samples_[last].mono - seconds);
      const std::size_t steps = last - first;
      const std::size_t stride =
          std::max<std::size_t>(1, (steps + max_points - 1) / std::max<std::size_t>(max_points, 1));
      // Counters only grow: the newest sample names every currency ever taken.
      std::vector<std::string> currencies;
      for (const auto& [c, v] : samples_[last].revenue) currencies.push_back(c);
      std::vector<json::array> revenue_series(currencies.size());
      auto revenue_of = [](const Sample& s, const std::string& currency) {
        for (const auto& [c, v] : s.revenue)
          if (c == currency) return v;
        return 0.0;
      };
      // The points, newest last; each step spans `stride` samples (the oldest may span fewer).
      std::vector<std::size_t> points;
      for (std::size_t i = last; i > first; i = i >= first + stride ? i - stride : first)
        points.push_back(i);
      std::reverse(points.begin(), points.end());
      for (const std::size_t i : points) {
        const Sample& prev = samples_[i >= first + stride ? i - stride : first];
        const Sample& s = samples_[i];
        const double step = s.mono - prev.mono;
        t.push_back(number_or_null(s.t));
        rps.push_back(number_or_null(std::max(0.0, s.requests - prev.requests) / step));
        errors.push_back(
            number_or_null(std::max(0.0, s.server_errors - prev.server_errors) / step));
        p50.push_back(
            number_or_null(quantile(latency_bounds_, prev.latency, s.latency, 0.5) * 1000));
        p99.push_back(
            number_or_null(quantile(latency_bounds_, prev.latency, s.latency, 0.99) * 1000));
        const Sample& minute_ago = samples_[at_or_before(s.mono - 60)];
        orders.push_back(
            number_or_null(std::max(0.0, s.orders_created - minute_ago.orders_created)));
        const Sample& hour_ago = samples_[at_or_before(s.mono - 3600)];
        for (std::size_t c = 0; c < currencies.size(); ++c)
          revenue_series[c].push_back(number_or_null(
              std::max(0.0, revenue_of(s, currencies[c]) - revenue_of(hour_ago, currencies[c]))));
      }
      for (std::size_t c = 0; c < currencies.size(); ++c)
        revenue[currencies[c]] = std::move(revenue_series[c]);
    }
  }
  out["t"] = std::move(t);
  out["requests_per_second"] = std::move(rps);
  out["server_errors_per_second"] = std::move(errors);
  out["latency_p50_ms"] = std::move(p50);
  out["latency_p99_ms"] = std::move(p99);
  out["orders_per_minute"] = std::move(orders);
  out["revenue_last_hour"] = std::move(revenue);

  json::object now;
  json::array breakers;
  for (const auto& r : registry_.read("circuit_breaker_state"))
    breakers.push_back(json::object{{"dependency", label_value(r.labels, "dependency")},
                                    {"state", breaker_state(r.value)}});
  now["breakers"] = std::move(breakers);
  json::array tenants;
  for (const auto& r : registry_.read("brandos_tenant_requests_per_second"))
    tenants.push_back(json::object{{"tenant", label_value(r.labels, "tenant")},
                                   {"requests_per_second", number_or_null(r.value)}});
  now["busiest_tenants"] = std::move(tenants);
  double hits = 0, lookups = 0;
  for (const auto& r : registry_.read("cache_requests_total")) {
    lookups += r.value;
    if (label_value(r.labels, "result") == "hit") hits += r.value;
  }
  now["cache_hit_ratio"] = lookups > 0 ? number_or_null(hits / lookups) : json::value(nullptr);
  for (const char* name :
       {"brandos_outbox_oldest_unpublished_seconds", "brandos_data_dir_free_bytes",
        "brandos_data_dir_capacity_bytes", "http_open_connections", "db_slow_queries_total",
        "unhandled_errors_total", "db_pool_waiting"}) {
    const auto samples = registry_.read(name);
    double total = 0;
    for (const auto& r : samples) total += r.value;
    now[name] = samples.empty() ? json::value(nullptr) : number_or_null(total);
  }
  out["now"] = std::move(now);
  return json::serialize(out);
}

}  // namespace brandos::observability
