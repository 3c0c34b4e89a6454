#pragma once
// WebhookDeliveryFeed on PostgreSQL: the delivery job's SECURITY DEFINER functions of migration
// 0014 (across tenants, every call fenced by the job's lease), on an exclusive connection.
#include "application/ports/webhooks.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class WebhookDeliveryFeed final : public application::WebhookDeliveryFeed {
 public:
  explicit WebhookDeliveryFeed(Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<application::Outcome<std::vector<application::DueWebhookDelivery>>> claim(
      const application::OperationContext& ctx, int limit, std::chrono::seconds lease,
      int breaker_after) override;
  boost::asio::awaitable<application::Outcome<std::optional<int>>> record(
      const application::OperationContext& ctx, const application::WebhookAttempt& a) override;

 private:
  Pool& pool_;
};

}  // namespace brandos::pg
