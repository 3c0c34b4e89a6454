#include "app/request_observer.hpp"

#include <string>
#include <unordered_map>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace {
struct Series {
  observability::Counter* requests;
  observability::Histogram* duration;
};
}  // namespace

void RequestObserver::on_request(const api::RequestRecord& r) {
  // Each I/O thread keeps its own map from label values to metric objects, so the registry's
  // lock is taken once per new series, not once per request. Routes are patterns, never raw
  // paths, so the number of series stays bounded.
  thread_local std::unordered_map<std::string, Series> cache;
  const std::string status = std::to_string(r.status);
  std::string key;
  key.reserve(r.route.size() + 16);
  key.append(api::to_string(r.method)).append(" ").append(r.route).append(" ").append(status);
  auto it = cache.find(key);
  if (it == cache.end()) {
    const observability::Labels labels{{"method", api::to_string(r.method)}, {"route", r.route}};
    observability::Labels with_status = labels;
    with_status.emplace_back("status", status);
    Series s{&registry_.counter("http_requests_total", "HTTP requests served.", with_status),
             &registry_.histogram("http_request_duration_seconds",
                                  "Time from request received to response ready.", labels,
                                  observability::latency_buckets())};
    it = cache.emplace(std::move(key), s).first;
  }
  it->second.requests->inc();
  it->second.duration->observe(r.duration_seconds);
  if (tenants_ != nullptr && r.tenant != nullptr) tenants_->record(*r.tenant);

  if (spans_ != nullptr) {
    const std::string trace_id = r.trace.trace_id_hex();
    if (spans_->sampled(trace_id)) {
      observability::Span s;
      s.trace_id = trace_id;
      s.span_id = r.trace.span_id_hex();
      if (r.trace.parent_span_id != decltype(r.trace.parent_span_id){})
        s.parent_span_id = r.trace.parent_span_id_hex();
      s.name = std::string(api::to_string(r.method)) + " " + r.route;
      s.kind = observability::Span::Kind::server;
      s.end_unix_ns = observability::unix_ns_now();
      s.start_unix_ns = s.end_unix_ns - static_cast<std::uint64_t>(r.duration_seconds * 1e9);
      s.attributes = {{"http.request.method", api::to_string(r.method)},
                      {"http.route", r.route},
                      {"http.response.status_code", std::to_string(r.status)},
                      {"brandos.request_id", r.request_id}};
      s.error = r.status >= 500;
      spans_->record(std::move(s));
    }
  }

  if (!access_log_) return;
  observability::log_info("http_request")
      .str("request_id", r.request_id)
      .str("trace_id", r.trace.trace_id_hex())
      .str("span_id", r.trace.span_id_hex())
      .str("method", api::to_string(r.method))
      .str("route", r.route)
      .str("path", r.path)
      .num("status", static_cast<std::int64_t>(r.status))
      .num("latency_ms", r.duration_seconds * 1000.0)
      .num("bytes_in", static_cast<std::int64_t>(r.bytes_in))
      .num("bytes_out", static_cast<std::int64_t>(r.bytes_out))
      .str("client_ip", r.client_ip)
      .write();
}

void RequestObserver::on_unhandled_exception(const api::RequestContext& ctx, const char* what) {
  observability::log_error("unhandled_exception")
      .str("request_id", ctx.request_id)
      .str("trace_id", ctx.trace.trace_id_hex())
      .str("route", ctx.route)
      .str("what", what)
      .write();
  if (errors_ != nullptr) errors_->record("http " + ctx.route, what);
}

}  // namespace brandos::app
