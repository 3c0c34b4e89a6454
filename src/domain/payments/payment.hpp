#pragma once
// The rules of paying for an order, refunding it and cancelling it once paid (API.md "Payments
// and refunds"), free of I/O. The use cases apply them under the order's row lock.
//
//   payment:       pending --gateway succeeded--> succeeded   (the order becomes paid)
//                  pending --gateway declined---> failed      (the order is unchanged)
//   refund:        pending --> succeeded | failed
//   cancellation:  refunding --> releasing_stock --> marking_cancelled --> completed
//                  refunding --refund refused--> compensated (the order stays paid)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brandos::domain {

enum class PaymentStatus { pending, succeeded, failed };
std::optional<PaymentStatus> parse_payment_status(std::string_view text);
const char* to_string(PaymentStatus status);

enum class CancellationStep {
  refunding,
  releasing_stock,
  marking_cancelled,
  completed,
  compensated
};
std::optional<CancellationStep> parse_cancellation_step(std::string_view text);
const char* to_string(CancellationStep step);
// The step after `step` has been done; completed and compensated are final (nullopt).
std::optional<CancellationStep> next_step(CancellationStep step);
inline bool finished(CancellationStep step) {
  return step == CancellationStep::completed || step == CancellationStep::compensated;
}

// What a payment must settle: the order's total less what was paid.
inline std::int64_t outstanding(std::int64_t total, std::int64_t paid) {
  return total - paid;
}

// Why `requested` (empty: the default) cannot pay an order with `outstanding` left; nullopt when
// it can. The amount defaults to, and must equal, the outstanding total.
std::optional<std::string> payment_amount_problem(std::optional<std::int64_t> requested,
                                                  std::int64_t outstanding);

// What may still be refunded: paid, less refunded and less refunds still being settled.
inline std::int64_t refundable(std::int64_t paid, std::int64_t refunded,
                               std::int64_t refunds_in_progress) {
  return paid - refunded - refunds_in_progress;
}
std::optional<std::string> refund_amount_problem(std::int64_t requested, std::int64_t refundable);

// A payment method as the API takes it: 1..255 visible ASCII characters ("pm_card_visa").
bool valid_payment_method(std::string_view method);

}  // namespace brandos::domain
