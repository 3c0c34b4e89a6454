#pragma once
// Refunding a paid order, in part or in full (API.md "Payments and refunds"), with the same
// recovery points as a payment (take_payment.hpp, ADR 0018): the refund recorded `pending`, the
// gateway asked between transactions with the refund's id as its key, the outcome settled with
// the order's refunded amount, history and events (refund.succeeded; order.refunded once the
// refunds reach the paid amount). More than paid minus refunded (refunds in progress count): 422.
#include <functional>

#include "application/payments/payment_settings.hpp"
#include "application/payments/take_payment.hpp"

namespace brandos::application {

struct RefundCommand {
  domain::Uuid order_id;
  std::int64_t amount = 0;
  std::string reason;
  const IdempotencyScope* key = nullptr;
  std::function<StoredResponse(const Failure&)> render_refusal;  // see PayCommand
};

class RefundPayment {
 public:
  explicit RefundPayment(PaymentServices services) : s_(services) {}

  boost::asio::awaitable<Outcome<PaymentAnswer>> refund(const OperationContext& ctx,
                                                        const RefundCommand& command) const;
  boost::asio::awaitable<Outcome<std::vector<RefundRecord>>> list(
      const OperationContext& ctx, const domain::Uuid& order_id) const;
  // For the settlement job: takes over a pending refund whose lease lapsed and settles it.
  boost::asio::awaitable<Outcome<bool>> finish(const OperationContext& ctx,
                                               const domain::Uuid& refund_id) const;

 private:
  boost::asio::awaitable<Outcome<StoredResponse>> refund_and_settle(
      const OperationContext& ctx, const RefundRecord& refund, const RefundCommand* command) const;
  boost::asio::awaitable<void> release(const OperationContext& ctx,
                                       const RefundRecord& refund) const;
  StoredResponse answer(const RefundRecord& r, const RefundCommand* command) const;

  PaymentServices s_;
};

// The refund's outcome applied to its order, under the order's lock: the refund settled, the
// order's refunded amount raised (and the order refunded when it reaches the paid amount unless
// `cancelling`, whose last step cancels it instead), history and events. Shared with the
// cancellation's first step.
void settle_refund(UnitOfWork& uow, const PaymentServices& s, OrderRecord& order,
                   RefundRecord& refund, const GatewayRefund& outcome, const std::string& now,
                   const std::string& actor, bool cancelling);

}  // namespace brandos::application
