#include "application/analytics/project_sales.hpp"

#include "application/events/tenant_events.hpp"

#include <algorithm>
#include <set>

namespace brandos::application {

namespace asio = boost::asio;

namespace {

int orders_counted(std::string_view type) {
  if (type == "order.created") return 1;
  if (type == "order.cancelled") return -1;
  return 0;
}

}  // namespace

asio::awaitable<Outcome<void>> ProjectSales::apply(const OperationContext& ctx,
                                                   std::span<const PublishedEvent> events) {
  // Named, not a temporary in the loop header: GCC 12 mishandles temporaries in coroutines.
  const auto groups =
      events_by_tenant(events, [this](const PublishedEvent& e) { return wants(e.type); });
  for (const auto& group : groups) {
    const auto& tenant = group.tenant;
    const auto& mine = group.events;
    const auto& ids = group.ids;
    auto tenant_ctx = OperationContext::system(tenant, "consumer:sales-projection");
    tenant_ctx.deadline = ctx.deadline;
    tenant_ctx.trace = ctx.trace;
    auto uow = data_.begin(tenant_ctx, Access::write);
    auto fresh = co_await uow->inbox().accept(std::string(name()), ids);
    if (!fresh) co_return std::unexpected(std::move(fresh.error()));
    if (fresh->empty()) {
      co_await uow->rollback();
      continue;
    }
    const std::set<domain::Uuid> accepted(fresh->begin(), fresh->end());
    std::vector<SaleChange> changes;
    for (const auto* e : mine)
      if (accepted.contains(e->id)) changes.push_back({orders_counted(e->type), e->envelope_json});
    uow->sales().apply(changes);
    auto committed = co_await uow->commit();
    if (!committed) co_return std::unexpected(std::move(committed.error()));
  }
  co_return Outcome<void>{};
}

}  // namespace brandos::application
