#pragma once
// W3C traceparent as stored with an event and carried by broker headers and webhooks (version
// 00 only: these are ours). Outbound calls made for an event are spans of their own, children of
// the event's trace (span_exporter.hpp).
#include <optional>
#include <string>
#include <string_view>

namespace brandos::observability {

struct TraceParent {
  std::string trace_id;  // 32 lowercase hex digits, not all zero
  std::string span_id;   // 16, not all zero
  bool sampled = false;

  // "00-<trace>-<span>-<flags>"
  std::string header() const;
  // The same trace and flags with another span: the one a call made under this trace sends.
  TraceParent child(std::string child_span_id) const {
    return {trace_id, std::move(child_span_id), sampled};
  }
};

// nullopt unless `text` is a version-00 traceparent with lowercase hex and non-zero ids.
std::optional<TraceParent> parse_trace_parent(std::string_view text);

}  // namespace brandos::observability
