#include "domain/payments/payment.hpp"

namespace brandos::domain {

std::optional<PaymentStatus> parse_payment_status(std::string_view t) {
  if (t == "pending") return PaymentStatus::pending;
  if (t == "succeeded") return PaymentStatus::succeeded;
  if (t == "failed") return PaymentStatus::failed;
  return std::nullopt;
}

const char* to_string(PaymentStatus s) {
  switch (s) {
    case PaymentStatus::pending:
      return "pending";
    case PaymentStatus::succeeded:
      return "succeeded";
    case PaymentStatus::failed:
      return "failed";
  }
  return "pending";
}

std::optional<CancellationStep> parse_cancellation_step(std::string_view t) {
  if (t == "refunding") return CancellationStep::refunding;
  if (t == "releasing_stock") return CancellationStep::releasing_stock;
  if (t == "marking_cancelled") return CancellationStep::marking_cancelled;
  if (t == "completed") return CancellationStep::completed;
  if (t == "compensated") return CancellationStep::compensated;
  return std::nullopt;
}

const char* to_string(CancellationStep s) {
  switch (s) {
    case CancellationStep::refunding:
      return "refunding";
    case CancellationStep::releasing_stock:
      return "releasing_stock";
    case CancellationStep::marking_cancelled:
      return "marking_cancelled";
    case CancellationStep::completed:
      return "completed";
    case CancellationStep::compensated:
      return "compensated";
  }
  return "refunding";
}

std::optional<CancellationStep> next_step(CancellationStep s) {
  switch (s) {
    case CancellationStep::refunding:
      return CancellationStep::releasing_stock;
    case CancellationStep::releasing_stock:
      return CancellationStep::marking_cancelled;
    case CancellationStep::marking_cancelled:
      return CancellationStep::completed;
    case CancellationStep::completed:
    case CancellationStep::compensated:
      break;
  }
  return std::nullopt;
}

std::optional<std::string> payment_amount_problem(std::optional<std::int64_t> requested,
                                                  std::int64_t outstanding) {
  if (outstanding <= 0) return "the order has nothing left to pay";
  if (requested && *requested != outstanding)
    return "must equal the outstanding total, " + std::to_string(outstanding);
  return std::nullopt;
}

std::optional<std::string> refund_amount_problem(std::int64_t requested, std::int64_t refundable) {
  if (requested <= 0) return "must be a positive amount";
  if (requested > refundable)
    return "must be at most what was paid and not yet refunded, " +
           std::to_string(refundable < 0 ? 0 : refundable);
  return std::nullopt;
}

bool valid_payment_method(std::string_view m) {
  if (m.empty() || m.size() > 255) return false;
  for (char c : m)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

}  // namespace brandos::domain
