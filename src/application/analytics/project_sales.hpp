#pragma once
// The sales projection: feeds the sales read model from order events. order.created counts an
// order in the hour it was placed, order.cancelled counts it out again (an unpaid order that was
// cancelled was no sale). Each tenant's events of a delivery are applied in one unit of work with
// their inbox entries, so a redelivered event counts once.
#include "application/ports/event_stream.hpp"
#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

class ProjectSales final : public EventConsumer {
 public:
  explicit ProjectSales(TenantData& data) : data_(data) {}
  std::string_view name() const override { return "sales-projection"; }
  const std::vector<std::string>& types() const override { return types_; }
  [[nodiscard]] boost::asio::awaitable<Outcome<void>> apply(
      const OperationContext& ctx, std::span<const PublishedEvent> events) override;

 private:
  TenantData& data_;
  std::vector<std::string> types_{"order.created", "order.cancelled"};
};

}  // namespace brandos::application
