#include "application/webhooks/fan_out_webhooks.hpp"

#include "application/events/tenant_events.hpp"

#include <algorithm>
#include <set>

namespace brandos::application {

namespace asio = boost::asio;

namespace {

bool subscribed(const WebhookEndpointRecord& e, const std::string& type) {
  for (const auto& t : e.events)
    if (t == "*" || t == type) return true;
  return false;
}

}  // namespace

asio::awaitable<Outcome<void>> FanOutWebhooks::apply(const OperationContext& ctx,
                                                     std::span<const PublishedEvent> events) {
  // Named, not a temporary in the loop header: GCC 12 mishandles temporaries in coroutines.
  auto groups = events_by_tenant(events, [](const PublishedEvent&) { return true; });
  for (auto& group : groups) {
    const auto& tenant = group.tenant;
    auto& mine = group.events;
    auto& ids = group.ids;
    auto tenant_ctx = OperationContext::system(tenant, "consumer:webhook-fan-out");
    tenant_ctx.deadline = ctx.deadline;
    tenant_ctx.trace = ctx.trace;
    // Most events of most tenants go to no endpoint: find that out with a read, and write (the
    // inbox, the deliveries) only for what some endpoint subscribed to. An endpoint registered
    // after an event was published does not receive it.
    auto reader = data_.begin(tenant_ctx, Access::read);
    auto endpoints = co_await reader->webhooks().active();
    if (!endpoints) co_return std::unexpected(std::move(endpoints.error()));
    std::erase_if(mine, [&](const PublishedEvent* e) {
      return std::none_of(endpoints->begin(), endpoints->end(),
                          [&](const WebhookEndpointRecord& w) { return subscribed(w, e->type); });
    });
    if (mine.empty()) continue;
    ids.clear();
    for (const auto* e : mine) ids.push_back(e->id);
    auto uow = data_.begin(tenant_ctx, Access::write);
    auto fresh = co_await uow->inbox().accept(std::string(name()), ids);
    if (!fresh) co_return std::unexpected(std::move(fresh.error()));
    if (fresh->empty()) {
      co_await uow->rollback();
      continue;
    }
    const std::set<domain::Uuid> accepted(fresh->begin(), fresh->end());
    std::vector<NewWebhookDelivery> deliveries;
    for (const auto* e : mine) {
      if (!accepted.contains(e->id)) continue;
      for (const auto& endpoint : *endpoints)
        if (subscribed(endpoint, e->type))
          deliveries.push_back(
              {ids_.new_id(), endpoint.id, e->id, e->type, e->envelope_json, e->traceparent});
    }
    uow->webhooks().add_deliveries(deliveries);
    auto committed = co_await uow->commit();
    if (!committed) co_return std::unexpected(std::move(committed.error()));
  }
  co_return Outcome<void>{};
}

}  // namespace brandos::application
