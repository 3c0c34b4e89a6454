#pragma once
// WebhookRepository on a TenantSession (migration 0014): endpoints with their sealed secrets,
// and their deliveries.
#include "application/ports/webhooks.hpp"
#include "infrastructure/postgres/tenant_session.hpp"

namespace brandos::pg {

class WebhookRepository final : public application::WebhookRepository {
 public:
  explicit WebhookRepository(TenantSession& session) : s_(session) {}
  void add(const application::WebhookEndpointRecord& e) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::WebhookEndpointRecord>>>
  get(const domain::Uuid& id, bool lock) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::WebhookEndpointRecord>>>
  list(const std::optional<domain::Uuid>& after, int limit) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::WebhookEndpointRecord>>>
  active() override;
  void save(const application::WebhookEndpointRecord& e) override;
  void remove(const domain::Uuid& id) override;
  void add_deliveries(const std::vector<application::NewWebhookDelivery>& deliveries) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::WebhookDeliveryRecord>>>
  deliveries(const domain::Uuid& endpoint, const std::optional<domain::Uuid>& after,
             int limit) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::WebhookDeliveryRecord>>>
  retry_delivery(const domain::Uuid& endpoint, const domain::Uuid& delivery) override;

 private:
  TenantSession& s_;
};

}  // namespace brandos::pg
