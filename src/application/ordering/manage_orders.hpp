#pragma once
// Order use cases (API.md "Orders"): placing orders (staff+), reading them (viewer+), and the
// cancel and fulfill transitions (staff+).
#include "application/identity/principal.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/order_repository.hpp"

namespace brandos::application {

struct PlaceOrderCommand {
  std::optional<domain::Uuid> customer_id;
  std::vector<domain::OrderItemRequest> items;
};

class ManageOrders {
 public:
  ManageOrders(OrderRepository& orders, IdGenerator& ids) : orders_(orders), ids_(ids) {}

  boost::asio::awaitable<Outcome<OrderRecord>> place(const Principal& actor, PlaceOrderCommand c,
                                                     const IdempotencyScope* scope,
                                                     const RenderOrder& render) const;
  boost::asio::awaitable<Outcome<OrderRecord>> get(const Principal& actor,
                                                   const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<std::vector<OrderRecord>>> list(const Principal& actor,
                                                                 OrderFilter filter) const;
  boost::asio::awaitable<Outcome<OrderRecord>> cancel(const Principal& actor,
                                                      const domain::Uuid& id,
                                                      std::string reason) const;
  boost::asio::awaitable<Outcome<OrderRecord>> fulfill(const Principal& actor,
                                                       const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<std::vector<OrderEventRecord>>> history(
      const Principal& actor, const domain::Uuid& id) const;

 private:
  boost::asio::awaitable<Outcome<OrderRecord>> apply(const Principal& actor, const domain::Uuid& id,
                                                     domain::OrderAction action,
                                                     std::string reason) const;
  OrderRepository& orders_;
  IdGenerator& ids_;
};

}  // namespace brandos::application
