#pragma once
// Port: orders, their items and their history, on a unit of work. It maps rows; the state
// machine (domain/ordering/order.hpp) and placement rules (domain/ordering/placement.hpp) decide.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "domain/catalog/product.hpp"
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

struct OrderFilter {
  std::optional<std::string> status;
  std::optional<domain::Uuid> customer_id;
  std::optional<std::string> created_from;  // RFC 3339
  std::optional<std::string> created_to;
  std::optional<domain::Uuid> after;
  int limit = 20;
};

// What placing orders needs to decide: the named products, locked, in id order, and which of the
// named customers are live customers of this brand (sorted).
struct PlacementInputs {
  std::vector<domain::StockedProduct> products;
  std::vector<domain::Uuid> live_customers;
};

// An order to add and who placed it (referenced until the call returns).
struct NewOrder {
  const OrderRecord& order;
  const domain::Uuid& created_by;
};

// One entry of an order's history.
struct OrderHistoryEntry {
  domain::Uuid order_id;
  OrderEventRecord entry;
};

class OrderRepository {
 public:
  virtual ~OrderRepository() = default;
  // Locks the products (id order: concurrent orders queue, never deadlock) and checks the
  // customers, in one round trip.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<PlacementInputs>> lock_for_placement(
      const std::vector<domain::Uuid>& product_ids,
      const std::vector<domain::Uuid>& customer_ids) = 0;
  // Queued: the orders and their items, in one statement each however many.
  virtual void add(const std::vector<NewOrder>& orders) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<OrderRecord>>> get(
      const domain::Uuid& id) = 0;
  // The order, locked until the unit of work ends.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<OrderRecord>>> lock(
      const domain::Uuid& id) = 0;
  // Newest first. validation failure when PostgreSQL cannot read a timestamp filter.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<OrderRecord>>> list(
      const OrderFilter& filter) = 0;
  // Queued: status and version as given; updated_at = now.
  virtual void save_status(const OrderRecord& order) = 0;
  // Queued: status, version, paid and refunded amounts as given; updated_at = now.
  virtual void save_amounts(const OrderRecord& order) = 0;
  // Queued: entries of orders' histories, in one statement however many.
  virtual void add_history(const std::vector<OrderHistoryEntry>& entries) = 0;
  // nullopt when there is no such order.
  [[nodiscard]] virtual boost::asio::awaitable<
      Outcome<std::optional<std::vector<OrderEventRecord>>>>
  history(const domain::Uuid& id) = 0;
};

}  // namespace brandos::application
