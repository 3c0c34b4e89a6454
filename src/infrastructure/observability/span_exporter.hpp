#pragma once
// Spans exported as OTLP/HTTP JSON (POST <endpoint>/v1/traces) by a thread of their own: spans
// are queued (bounded: when the queue is full, new spans are dropped and counted, never waited
// for), sent in batches of up to 512 at least every second, and a collector that is down costs
// a counted failure per batch, never a request's time. On shutdown one last batch is sent and the
// rest dropped (counted), so a collector that is down delays the exit by one timeout at most.
//
// Sampling is decided by the trace id (the same for every span of a trace, on every node): a
// trace is kept when its last 7 bytes, read as a number, fall below ratio × 2^56.
//
// Thread-safety: record() and sampled() from any thread.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

struct Span {
  enum class Kind { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
  std::string trace_id;        // 32 lowercase hex digits
  std::string span_id;         // 16
  std::string parent_span_id;  // 16, or empty for a root span
  std::string name;
  Kind kind = Kind::internal;
  std::uint64_t start_unix_ns = 0;
  std::uint64_t end_unix_ns = 0;
  std::vector<std::pair<std::string, std::string>> attributes;  // string values
  bool error = false;
};

// 16 random lowercase hex digits for a new span.
std::string new_span_id();
std::uint64_t unix_ns_now();

class SpanExporter {
 public:
  // `endpoint`: http://host:port[/prefix] of an OTLP/HTTP receiver. Throws std::invalid_argument
  // when it is not one.
  SpanExporter(std::string endpoint, double sample_ratio, Registry& registry,
               std::size_t queue_limit = 20'000);
  ~SpanExporter();
  SpanExporter(const SpanExporter&) = delete;
  SpanExporter& operator=(const SpanExporter&) = delete;

  bool sampled(std::string_view trace_id) const;
  void record(Span span);

  // The OTLP/JSON document of `spans` (exposed for tests).
  static std::string document(const std::vector<Span>& spans);

 private:
  void run();
  bool post(const std::string& body);

  std::string host_;
  std::string port_;
  std::string path_;
  std::uint64_t threshold_;
  bool keep_all_;
  std::size_t queue_limit_;
  Counter& exported_;
  Counter& dropped_;
  Counter& failures_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Span> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace brandos::observability
