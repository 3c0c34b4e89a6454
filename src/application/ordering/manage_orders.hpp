#pragma once
// Order use cases (API.md "Orders"): placing orders (staff+), reading them (viewer+), the cancel
// and fulfill transitions (staff+), and the expiry of unpaid orders (the job runner, as no user).
// Each change is one unit of work: the order, its stock, its history entry, its outbox event and
// (when placed with an idempotency key) the key's stored response commit together.
#include "application/identity/principal.hpp"
#include "application/operation_context.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/resource_documents.hpp"
#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

struct PlaceOrderCommand {
  std::optional<domain::Uuid> customer_id;
  std::vector<domain::OrderItemRequest> items;
};

// The order as placed and its document, rendered once: the response body, the event's data and
// the idempotency key's stored response are these same bytes.
struct PlacedOrder {
  OrderRecord order;
  std::string document;
};

// Placing with an idempotency key: the order, or — when the key was not ours to claim — the
// claim's answer (replay, in flight, mismatch), and nothing was done.
struct PlaceResult {
  std::optional<PlacedOrder> placed;
  std::optional<Claim> not_claimed;
};

class ManageOrders {
 public:
  ManageOrders(TenantData& data, const ResourceDocuments& documents, IdGenerator& ids)
      : data_(data), documents_(documents), ids_(ids) {}

  // With `key`, the key is claimed in the order's own transaction (with its first round trip) and
  // completed there with the 201 response. A failure stores nothing with the key (the caller
  // records 4xx answers through IdempotentRequests::record).
  boost::asio::awaitable<Outcome<PlaceResult>> place(const OperationContext& ctx,
                                                     PlaceOrderCommand c,
                                                     const IdempotencyScope* key) const;
  boost::asio::awaitable<Outcome<OrderRecord>> get(const OperationContext& ctx,
                                                   const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<std::vector<OrderRecord>>> list(const OperationContext& ctx,
                                                                 OrderFilter filter) const;
  boost::asio::awaitable<Outcome<OrderRecord>> cancel(const OperationContext& ctx,
                                                      const domain::Uuid& id,
                                                      std::string reason) const;
  boost::asio::awaitable<Outcome<OrderRecord>> fulfill(const OperationContext& ctx,
                                                       const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<std::vector<OrderEventRecord>>> history(
      const OperationContext& ctx, const domain::Uuid& id) const;
  // Cancels the order (reason "unpaid", actor "system") if it is still pending payment; false
  // when it no longer is (paid or cancelled meanwhile) or is gone.
  boost::asio::awaitable<Outcome<bool>> expire_unpaid(const OperationContext& ctx,
                                                      const domain::Uuid& id) const;

 private:
  // nullopt: the order is not in a status the action applies to and `only_from` said so.
  boost::asio::awaitable<Outcome<std::optional<OrderRecord>>> apply(
      const OperationContext& ctx, const domain::Uuid& id, domain::OrderAction action,
      std::string actor, std::string reason,
      std::optional<domain::OrderStatus> only_from = std::nullopt) const;

  TenantData& data_;
  const ResourceDocuments& documents_;
  IdGenerator& ids_;
};

}  // namespace brandos::application
