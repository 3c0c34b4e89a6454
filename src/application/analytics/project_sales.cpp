#include "application/analytics/project_sales.hpp"

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
  // Tenants in the order they first appear; each tenant's events keep the stream's order.
  std::vector<domain::Uuid> tenants;
  for (const auto& e : events)
    if (wants(e.type) && std::find(tenants.begin(), tenants.end(), e.tenant_id) == tenants.end())
      tenants.push_back(e.tenant_id);
  for (const auto& tenant : tenants) {
    std::vector<const PublishedEvent*> mine;
    std::vector<domain::Uuid> ids;
    // A delivery may hold the same event twice (republished before its confirm): it counts
    // once, like one delivered twice.
    for (const auto& e : events)
      if (e.tenant_id == tenant && wants(e.type) &&
          std::find(ids.begin(), ids.end(), e.id) == ids.end()) {
        mine.push_back(&e);
        ids.push_back(e.id);
      }
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
