#include "infrastructure/observability/span_exporter.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>

namespace brandos::observability {

namespace json = boost::json;

namespace {
constexpr std::size_t kBatch = 512;
}

std::string new_span_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = random();
  if (v == 0) v = 1;  // all-zero span ids are invalid
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kHex[v & 0xF];
  return out;
}

std::uint64_t unix_ns_now() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

SpanExporter::SpanExporter(std::string endpoint, double sample_ratio, Registry& registry,
                           std::size_t queue_limit)
    : threshold_(0),
      keep_all_(sample_ratio >= 1.0),
      queue_limit_(queue_limit),
      exported_(registry.counter("otlp_spans_exported_total", "Spans sent to the OTLP receiver.")),
      dropped_(registry.counter("otlp_spans_dropped_total",
                                "Spans dropped: the export queue was full or a batch failed.")),
      failures_(registry.counter("otlp_export_failures_total",
                                 "Batches of spans the OTLP receiver did not take.")) {
  auto u = boost::urls::parse_absolute_uri(endpoint);
  if (!u || u->scheme() != "http" || u->encoded_host().empty())
    throw std::invalid_argument("--otlp-endpoint must be an http://host:port URL");
  host_ = u->host();
  port_ = u->has_port() ? std::string(u->port()) : "80";
  path_ = std::string(u->encoded_path());
  while (!path_.empty() && path_.back() == '/') path_.pop_back();
  path_ += "/v1/traces";
  const double r = std::clamp(sample_ratio, 0.0, 1.0);
  threshold_ = static_cast<std::uint64_t>(std::ldexp(r, 56));  // of the 56 bits compared
  thread_ = std::thread([this] { run(); });
}

SpanExporter::~SpanExporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool SpanExporter::sampled(std::string_view trace_id) const {
  if (keep_all_) return true;
  if (trace_id.size() != 32) return false;
  // The last 7 bytes: the random part W3C Trace Context Level 2 guarantees (ids padded from 64
  // bits, or with a time first, keep their randomness there), as OpenTelemetry samples.
  std::uint64_t v = 0;
  for (std::size_t i = 18; i < 32; ++i) {
    const char c = trace_id[i];
    v = v << 4 | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return v < threshold_;
}

void SpanExporter::record(Span span) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= queue_limit_) {
      dropped_.inc();
      return;
    }
    queue_.push_back(std::move(span));
    if (queue_.size() < kBatch) return;
  }
  wake_.notify_one();
}

std::string SpanExporter::document(const std::vector<Span>& spans) {
  json::array out;
  for (const auto& s : spans) {
    json::array attributes;
    for (const auto& [k, v] : s.attributes)
      attributes.push_back(json::object{{"key", k}, {"value", json::object{{"stringValue", v}}}});
    json::object o{{"traceId", s.trace_id},
                   {"spanId", s.span_id},
                   {"name", s.name},
                   {"kind", static_cast<int>(s.kind)},
                   {"startTimeUnixNano", std::to_string(s.start_unix_ns)},
                   {"endTimeUnixNano", std::to_string(s.end_unix_ns)},
                   {"attributes", std::move(attributes)},
                   {"status", json::object{{"code", s.error ? 2 : 1}}}};
    if (!s.parent_span_id.empty()) o["parentSpanId"] = s.parent_span_id;
    out.push_back(std::move(o));
  }
  const json::object resource{
      {"attributes",
       json::array{json::object{{"key", "service.name"},
                                {"value", json::object{{"stringValue", "brandos"}}}}}}};
  return json::serialize(json::object{
      {"resourceSpans",
       json::array{json::object{
           {"resource", resource},
           {"scopeSpans", json::array{json::object{{"scope", json::object{{"name", "brandos"}}},
                                                   {"spans", std::move(out)}}}}}}}});
}

void SpanExporter::run() {
  for (;;) {
    std::vector<Span> batch;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1),
                     [this] { return stopping_ || queue_.size() >= kBatch; });
      stopping = stopping_;
      while (!queue_.empty() && batch.size() < kBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!batch.empty()) {
      if (post(document(batch))) {
        exported_.inc(batch.size());
      } else {
        failures_.inc();
        dropped_.inc(batch.size());
      }
    }
    if (stopping) {
      // One batch is sent on the way out, not the whole queue: a collector that is down must not
      // hold the shutdown for a timeout per batch. The rest is counted as dropped.
      std::lock_guard lock(mutex_);
      dropped_.inc(queue_.size());
      queue_.clear();
      return;
    }
  }
}

// One blocking HTTP/1.1 POST on this thread (never an I/O thread), bounded by 2 s send and
// receive timeouts: true on a 2xx.
bool SpanExporter::post(const std::string& body) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found) != 0) return false;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) return false;
  const std::string request =
      "POST " + path_ + " HTTP/1.1\r\nHost: " + host_ + ":" + port_ +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  char head[64];
  const ssize_t n = ::recv(fd, head, sizeof head - 1, 0);
  ::close(fd);
  if (n < 12) return false;
  head[n] = '\0';
  // "HTTP/1.1 2xx"
  return head[9] == '2';
}

}  // namespace brandos::observability
