#pragma once
// Cancelling an order (POST /v1/orders/{id}/cancel). An unpaid order is cancelled at once
// (ManageOrders). A paid one is cancelled by a saga persisted in the database (ADR 0018):
//
//   refunding          the whole paid amount refunded through the gateway (key: the refund's id)
//   releasing_stock    the order's stock given back
//   marking_cancelled  the order cancelled, order.cancelled announced
//
// Each step is its own transaction that checks, under the order's and the saga's locks, that the
// saga is still at that step, so repeating a step is harmless. A refund the gateway refuses
// compensates: the saga ends `compensated`, the order stays paid, and its history says why (409
// `cancellation-failed`). A crash or a dependency down leaves the saga where it is, with a lease
// that lapses; the settlement job (resume()) or the next cancel request carries it on. While a
// saga runs, the order cannot be fulfilled, refunded or cancelled again (409).
#include "application/ordering/manage_orders.hpp"
#include "application/payments/payment_settings.hpp"

namespace brandos::application {

class CancelOrder {
 public:
  CancelOrder(PaymentServices services, const ManageOrders& orders)
      : s_(services), orders_(orders) {}

  boost::asio::awaitable<Outcome<OrderRecord>> cancel(const OperationContext& ctx,
                                                      const domain::Uuid& order_id,
                                                      std::string reason) const;
  // For the settlement job: takes over a running cancellation whose lease lapsed and carries it
  // on. false when there was nothing to take.
  boost::asio::awaitable<Outcome<bool>> resume(const OperationContext& ctx,
                                               const domain::Uuid& cancellation_id) const;

 private:
  // Runs the saga's remaining steps, its lease held by the caller.
  // `attempts`: the caller's lease token.
  boost::asio::awaitable<Outcome<OrderRecord>> run(const OperationContext& ctx,
                                                   const domain::Uuid& order_id,
                                                   const domain::Uuid& cancellation_id,
                                                   int attempts) const;
  boost::asio::awaitable<void> release(const OperationContext& ctx, const domain::Uuid& id,
                                       int attempts) const;

  PaymentServices s_;
  const ManageOrders& orders_;
};

}  // namespace brandos::application
