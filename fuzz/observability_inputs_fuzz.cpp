// Fuzzes the small parsers issue 13 added on inputs from outside: a traceparent as a broker
// header carries it (refused unless well-formed; what is accepted survives a round trip), the
// operator page's history query (a window from 1 to 1440 minutes or a refusal), and reading a
// label out of a rendered label set. Never a crash, never an out-of-range answer.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "app/operator_history_query.hpp"
#include "infrastructure/observability/metrics.hpp"
#include "infrastructure/observability/trace_parent.hpp"

using namespace brandos;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (auto t = observability::parse_trace_parent(input)) {
    if (t->trace_id.size() != 32 || t->span_id.size() != 16) std::abort();
    const auto again = observability::parse_trace_parent(t->header());
    if (!again || again->trace_id != t->trace_id || again->span_id != t->span_id ||
        again->sampled != t->sampled)
      std::abort();
  }
  if (auto minutes = app::history_minutes(input); minutes && (*minutes < 1 || *minutes > 1440))
    std::abort();
  const std::string v = observability::label_value(input, "status");
  if (v.size() > input.size()) std::abort();
  return 0;
}
