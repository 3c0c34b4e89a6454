#pragma once
// Prometheus metrics: counters, histograms and callback gauges, exposed in the text format
// (version 0.0.4). Metric objects are created once and live as long as the registry; updating
// one is a relaxed atomic add, so hot paths take no lock. Creating or looking up a series takes
// the registry mutex: callers on hot paths keep the returned reference.
//
// Thread-safety: everything is safe from any thread.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace brandos::observability {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  // Snapshot for exposition: cumulative counts per bucket (+Inf last), sum and count.
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;
    double sum;
    std::uint64_t count;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1 (+Inf)
  std::atomic<std::uint64_t> sum_micros_{0};               // sum in millionths, exact under adds
};

// Latency buckets from 100 µs to 10 s, in seconds.
std::vector<double> latency_buckets();

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                       const std::vector<double>& bounds);
  // Evaluated at every scrape, on the scraping thread: it must be thread-safe and cheap.
  void gauge(const std::string& name, const std::string& help, const Labels& labels,
             std::function<double()> read);

  // A counter kept elsewhere (monotonic), read at every scrape like a gauge.
  void counter(const std::string& name, const std::string& help, const Labels& labels,
               std::function<double()> read);

  struct Sample {
    std::string labels;  // rendered, as in `{a="x"}`
    double value;
  };
  // A gauge family whose label sets come and go (the busiest tenants, say): `read_all` returns
  // every series at each scrape. Same rules as gauge(); it must keep the label sets bounded.
  void gauges(const std::string& name, const std::string& help,
              std::function<std::vector<Sample>()> read_all);

  std::string expose() const;

  // Reading back what is registered, for the operator page's history (rendered label sets, as in
  // `{a="x"}`). Counters, counters read from elsewhere and gauges: every series of `name`.
  std::vector<Sample> read(const std::string& name) const;
  // Every series of the histogram `name` added up (they share their bounds); empty when absent.
  std::optional<Histogram::Snapshot> merged(const std::string& name,
                                            std::vector<double>* bounds = nullptr) const;

 private:
  enum class Type { counter, histogram, gauge };
  struct Family {
    std::string help;
    Type type;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by rendered label set
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::map<std::string, std::function<double()>> gauges;
    std::function<std::vector<Sample>()> read_all;  // gauges whose label sets come and go
  };
  Family& family(const std::string& name, const std::string& help, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// `{a="x",b="y"}` with Prometheus escaping; empty string for no labels.
std::string render_labels(const Labels& labels);
// The value of `key` in a rendered label set, "" when absent (values with escapes come back raw).
std::string label_value(const std::string& rendered, const std::string& key);

}  // namespace brandos::observability
