#include "application/events/tenant_events.hpp"

#include <algorithm>

namespace brandos::application {

std::vector<TenantEvents> events_by_tenant(
    std::span<const PublishedEvent> events,
    const std::function<bool(const PublishedEvent&)>& wanted) {
  std::vector<TenantEvents> out;
  for (const auto& e : events) {
    if (!wanted(e)) continue;
    auto t = std::find_if(out.begin(), out.end(),
                          [&](const TenantEvents& g) { return g.tenant == e.tenant_id; });
    if (t == out.end()) t = out.insert(out.end(), TenantEvents{e.tenant_id, {}, {}});
    if (std::find(t->ids.begin(), t->ids.end(), e.id) != t->ids.end()) continue;
    t->events.push_back(&e);
    t->ids.push_back(e.id);
  }
  return out;
}

std::string event_traceparent(const domain::Uuid& event_id) {
  std::string trace = event_id.to_string();
  std::erase(trace, '-');
  // The span: the id's last 8 bytes, made non-zero as the format requires.
  std::string span = trace.substr(16);
  if (span == std::string(16, '0')) span[15] = '1';
  return "00-" + trace + "-" + span + "-01";
}

}  // namespace brandos::application
