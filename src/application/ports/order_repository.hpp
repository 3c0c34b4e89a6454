#pragma once
// Port: persistence of orders. Placing an order is one transaction: lock the products (in id
// order, so concurrent orders cannot deadlock), check them, reserve stock, write the order, its
// items, its first history entry, its outbox event and — when an idempotency scope is given —
// the key's stored response. Transitions write history and outbox in the same transaction.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "application/ports/idempotency_store.hpp"
#include "domain/ordering/order.hpp"

namespace brandos::application {

struct OrderLineRecord {
  domain::Uuid product_id;
  std::string sku;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
  std::int64_t line_total = 0;
};

struct OrderRecord {
  domain::Uuid id;
  std::string status;
  std::optional<domain::Uuid> customer_id;
  std::vector<OrderLineRecord> items;
  std::int64_t total = 0;
  std::string currency;
  std::int64_t paid_amount = 0;
  std::int64_t refunded_amount = 0;
  int version = 1;
  std::string created_at;
  std::string updated_at;
};

struct OrderEventRecord {
  domain::Uuid id;
  std::string type;
  std::string occurred_at;
  std::string actor;
  std::string data_json;
};

struct NewOrder {
  domain::Uuid id;
  std::optional<domain::Uuid> customer_id;
  std::vector<domain::OrderItemRequest> items;
  domain::Uuid created_by;
  domain::Uuid history_event_id;
  domain::Uuid outbox_event_id;
};

struct OrderFilter {
  std::optional<std::string> status;
  std::optional<domain::Uuid> customer_id;
  std::optional<std::string> created_from;  // RFC 3339
  std::optional<std::string> created_to;
  std::optional<domain::Uuid> after;
  int limit = 20;
};

// Renders the response stored with the idempotency key, from the order as placed.
using RenderOrder = std::function<StoredResponse(const OrderRecord&)>;

class OrderRepository {
 public:
  virtual ~OrderRepository() = default;
  // validation failures name the item ("items[1].product_id": unknown product, mixed
  // currencies); conflict "insufficient-stock" names the product.
  virtual boost::asio::awaitable<Outcome<OrderRecord>> place(const domain::Uuid& tenant,
                                                             const NewOrder& order,
                                                             const IdempotencyScope* scope,
                                                             const RenderOrder& render) = 0;
  virtual boost::asio::awaitable<Outcome<std::optional<OrderRecord>>> get(
      const domain::Uuid& tenant, const domain::Uuid& id) = 0;
  virtual boost::asio::awaitable<Outcome<std::vector<OrderRecord>>> list(
      const domain::Uuid& tenant, const OrderFilter& filter) = 0;
  // nullopt: no such order. conflict "invalid-state-transition" when the action is not allowed
  // from the current status. Cancelling releases reserved stock in the same transaction.
  virtual boost::asio::awaitable<Outcome<std::optional<OrderRecord>>> transition(
      const domain::Uuid& tenant, const domain::Uuid& id, domain::OrderAction action,
      const std::string& actor, const std::string& reason, const domain::Uuid& history_event_id,
      const domain::Uuid& outbox_event_id) = 0;
  virtual boost::asio::awaitable<Outcome<std::optional<std::vector<OrderEventRecord>>>> history(
      const domain::Uuid& tenant, const domain::Uuid& id) = 0;
};

}  // namespace brandos::application
