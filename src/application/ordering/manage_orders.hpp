#pragma once
// Order use cases (API.md "Orders"): placing orders (staff+), reading them (viewer+), the cancel
// and fulfill transitions (staff+), and the expiry of unpaid orders (the job runner, as no user).
// Each change is one unit of work: the order, its stock, its history entry, its outbox event and
// (when placed with an idempotency key) the key's stored response commit together.
#include <memory>

#include "application/identity/principal.hpp"
#include "application/operation_context.hpp"
#include "application/ordering/order_batches.hpp"
#include "application/ordering/placement_request.hpp"
#include "application/ports/business_metrics.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/resource_documents.hpp"
#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

class ManageOrders {
 public:
  // `batch_orders` > 1: concurrent orders of one tenant are placed together, up to that many per
  // transaction (order_batches.hpp); 1 places each order in a transaction of its own.
  // `business` (may be null) counts the orders placed and cancelled here.
  ManageOrders(TenantData& data, const ResourceDocuments& documents, IdGenerator& ids,
               int batch_orders = 1, OrderBatchMetrics* batch_metrics = nullptr,
               BusinessMetrics* business = nullptr);

  // With `key`, the key is claimed in the order's own transaction (with its first round trip) and
  // completed there with the 201 response. A failure stores nothing with the key (the caller
  // records 4xx answers through IdempotentRequests::record). With batching on, the transaction
  // may be shared with other orders of the tenant; the answer is this order's alone.
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

  // Places each order of `batch` on its own terms, together when it can: sets every order's
  // result (or error). When the shared transaction fails for a reason other than the database
  // being unavailable, each order goes again alone, so one order's fault never fails another.
  boost::asio::awaitable<void> place_batch(std::vector<PendingOrder*>& batch) const;
  // One transaction, `uow`, for all of `batch`: sets each order's result when it commits (or rolls
  // back with nothing to write); on failure sets nothing and returns why.
  boost::asio::awaitable<Outcome<void>> place_together(UnitOfWork& uow,
                                                       std::vector<PendingOrder*>& batch) const;

  TenantData& data_;
  const ResourceDocuments& documents_;
  IdGenerator& ids_;
  BusinessMetrics* business_;
  std::unique_ptr<OrderBatches> batches_;  // null: batching off
};

}  // namespace brandos::application
