#include "infrastructure/observability/trace_parent.hpp"

namespace brandos::observability {

namespace {

bool lower_hex(std::string_view s) {
  bool nonzero = false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero |= c != '0';
  }
  return nonzero;
}

}  // namespace

std::string TraceParent::header() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

std::optional<TraceParent> parse_trace_parent(std::string_view text) {
  if (text.size() != 55 || !text.starts_with("00-") || text[35] != '-' || text[52] != '-')
    return std::nullopt;
  const std::string_view trace = text.substr(3, 32), span = text.substr(36, 16),
                         flags = text.substr(53, 2);
  if (!lower_hex(trace) || !lower_hex(span)) return std::nullopt;
  if (!lower_hex(flags) && flags != "00") return std::nullopt;
  const int f = std::stoi(std::string(flags), nullptr, 16);
  return TraceParent{std::string(trace), std::string(span), (f & 1) != 0};
}

}  // namespace brandos::observability
