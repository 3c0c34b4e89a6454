#pragma once
// OrderRepository on a TenantSession: orders, items and history, mapped.
#include "application/ports/order_repository.hpp"
#include "infrastructure/postgres/tenant_session.hpp"

namespace brandos::pg {

class OrderRepository final : public application::OrderRepository {
 public:
  OrderRepository(TenantSession& session, const domain::Uuid& tenant)
      : s_(session), tenant_(tenant) {}

  boost::asio::awaitable<application::Outcome<application::PlacementInputs>> lock_for_placement(
      const std::vector<domain::Uuid>& product_ids,
      const std::vector<domain::Uuid>& customer_ids) override;
  void add(const std::vector<application::NewOrder>& orders) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::OrderRecord>>> get(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::OrderRecord>>> lock(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::OrderRecord>>> list(
      const application::OrderFilter& filter) override;
  void save_status(const application::OrderRecord& order) override;
  void save_amounts(const application::OrderRecord& order) override;
  void add_history(const std::vector<application::OrderHistoryEntry>& entries) override;
  boost::asio::awaitable<
      application::Outcome<std::optional<std::vector<application::OrderEventRecord>>>>
  history(const domain::Uuid& id) override;

 private:
  boost::asio::awaitable<application::Outcome<std::optional<application::OrderRecord>>> one(
      Statement statement);
  TenantSession& s_;
  domain::Uuid tenant_;
};

}  // namespace brandos::pg
