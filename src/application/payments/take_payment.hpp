#pragma once
// Paying for an order (API.md "Payments and refunds"), with recovery points (ADR 0018):
//
//   1. record   one transaction: the order locked, the Idempotency-Key claimed, the payment
//               written `pending` with the caller's lease on it
//   2. charge   the gateway, between transactions, with the payment's id as its key
//   3. settle   one transaction: the outcome, the order paid (or not), history, events
//               (order.paid, payment.succeeded | payment.failed) and the key's stored answer
//
// A crash between any two of them leaves a pending payment whose lease lapses; a retry with the
// same key, or the settlement job (finish()), takes it over and asks the gateway with the same
// key, which never charges twice. The gateway unreachable: 503, the payment stays pending and
// is settled later. One order has at most one payment in progress or succeeded (the database
// enforces it too), so different keys on one order cannot both charge.
#include <functional>
#include <optional>

#include "application/payments/payment_settings.hpp"

namespace brandos::application {

struct PayCommand {
  domain::Uuid order_id;
  std::string payment_method;
  std::optional<std::int64_t> amount;
  const IdempotencyScope* key = nullptr;  // required for requests
  // A refusal (402 payment-declined, 409, 422) as the API renders it, to be stored with the key
  // in the transaction that decided it.
  std::function<StoredResponse(const Failure&)> render_refusal;
};

// The answer (stored with the key), or why the key was not ours to use.
struct PaymentAnswer {
  std::optional<StoredResponse> response;
  std::optional<Claim> not_claimed;
};

class TakePayment {
 public:
  explicit TakePayment(PaymentServices services) : s_(services) {}

  boost::asio::awaitable<Outcome<PaymentAnswer>> pay(const OperationContext& ctx,
                                                     const PayCommand& command) const;
  boost::asio::awaitable<Outcome<std::vector<PaymentRecord>>> list(
      const OperationContext& ctx, const domain::Uuid& order_id) const;
  // For the settlement job: takes over a pending payment whose lease lapsed and settles it.
  // false when there was nothing to take (settled meanwhile, or someone else's lease runs).
  // A payment of another provider than this node's is left alone (conflict provider-mismatch):
  // settling it here could charge it where it was never meant to go.
  boost::asio::awaitable<Outcome<bool>> finish(const OperationContext& ctx,
                                               const domain::Uuid& payment_id) const;

 private:
  // Steps 2 and 3 for a payment whose lease the caller holds.
  boost::asio::awaitable<Outcome<StoredResponse>> charge_and_settle(const OperationContext& ctx,
                                                                    const PaymentRecord& payment,
                                                                    const PayCommand* command,
                                                                    bool ask_first) const;
  boost::asio::awaitable<void> release(const OperationContext& ctx,
                                       const PaymentRecord& payment) const;
  StoredResponse answer(const PaymentRecord& p, const PayCommand* command) const;

  PaymentServices s_;
};

}  // namespace brandos::application
