#pragma once
// OrderRepository on PostgreSQL. Placing an order takes two round trips in one transaction:
// lock and read the products (in id order), then — after the checks — reserve stock, write the
// order, items, history, outbox event and idempotency response in one pipeline with COMMIT.
#include "application/ports/order_repository.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class OrderRepository final : public application::OrderRepository {
 public:
  explicit OrderRepository(Pool& pool) : pool_(pool) {}

  boost::asio::awaitable<application::Outcome<application::OrderRecord>> place(
      const domain::Uuid& tenant, const application::NewOrder& order,
      const application::IdempotencyScope* scope, const application::RenderOrder& render) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::OrderRecord>>> get(
      const domain::Uuid& tenant, const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::OrderRecord>>> list(
      const domain::Uuid& tenant, const application::OrderFilter& filter) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::OrderRecord>>> transition(
      const domain::Uuid& tenant, const domain::Uuid& id, domain::OrderAction action,
      const std::string& actor, const std::string& reason, const domain::Uuid& history_event_id,
      const domain::Uuid& outbox_event_id) override;
  boost::asio::awaitable<
      application::Outcome<std::optional<std::vector<application::OrderEventRecord>>>>
  history(const domain::Uuid& tenant, const domain::Uuid& id) override;

 private:
  Pool& pool_;
};

// Parses the order JSON the database builds (ORDER_JSON in the .cpp) into a record.
application::OrderRecord order_from_json(std::string_view json);

}  // namespace brandos::pg
