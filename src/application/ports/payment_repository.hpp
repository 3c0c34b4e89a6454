#pragma once
// Port: payments, refunds and cancellations of paid orders, on a unit of work (ADR 0018). Each
// row is a recovery point with a lease (`attempt_until`): whoever takes the lease drives the row
// to its outcome; a lapsed lease means its driver crashed or gave up, and anyone may take over.
// Reads that decide (lock_*) lock the row until the unit of work ends.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

// Who asked for a payment or refund and with which Idempotency-Key.
struct PaymentRequestKey {
  domain::Uuid user_id;
  std::string key;
  std::array<std::uint8_t, 32> fingerprint{};
};

struct PaymentRecord {
  domain::Uuid id;
  domain::Uuid order_id;
  std::string status;  // pending | succeeded | failed
  std::int64_t amount = 0;
  std::string currency;
  std::string provider;
  std::string payment_method;
  std::optional<std::string> provider_reference;
  std::optional<std::string> failure_code;
  std::array<std::uint8_t, 32> request_fingerprint{};
  bool attempt_running = false;  // someone's lease on it has not lapsed
  int attempts = 1;              // drivers it had; the current one's lease token
  std::string created_at;
};

struct RefundRecord {
  domain::Uuid id;
  domain::Uuid order_id;
  domain::Uuid payment_id;
  std::string status;  // pending | succeeded | failed
  std::int64_t amount = 0;
  std::string currency;
  std::string reason;
  std::optional<std::string> provider_reference;
  std::optional<std::string> failure_code;
  std::optional<domain::Uuid> cancellation_id;
  std::string charge_reference;  // the gateway's id of the payment's charge
  std::array<std::uint8_t, 32> request_fingerprint{};
  bool attempt_running = false;
  int attempts = 1;
  std::string created_at;
};

struct CancellationRecord {
  domain::Uuid id;
  domain::Uuid order_id;
  std::string step;  // domain::CancellationStep
  std::string reason;
  std::string actor;
  std::optional<std::string> last_error;
  bool attempt_running = false;
  int attempts = 1;
};

// What deciding on a new payment needs, read in one round trip after the order is locked.
struct PaymentSituation {
  std::optional<PaymentRecord> by_request;     // made earlier with this request's key
  std::optional<PaymentRecord> live_on_order;  // pending or succeeded, whoever made it
};

// What deciding on a new refund needs.
struct RefundSituation {
  std::optional<RefundRecord> by_request;
  std::optional<PaymentRecord> succeeded_payment;  // the order's charge, to refund against
  std::int64_t in_progress = 0;                    // amount of refunds still pending
  std::optional<CancellationRecord> running_cancellation;
  bool payment_pending = false;
};

class PaymentRepository {
 public:
  virtual ~PaymentRepository() = default;
  using Lease = std::chrono::milliseconds;

  [[nodiscard]] virtual boost::asio::awaitable<Outcome<PaymentSituation>> payment_situation(
      const domain::Uuid& order_id, const PaymentRequestKey& request) = 0;
  // Queued: a pending payment whose lease (`lease` from now) the caller holds.
  virtual void add(const PaymentRecord& payment, const PaymentRequestKey& request, Lease lease) = 0;
  // The payment, locked.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<PaymentRecord>>> lock(
      const domain::Uuid& id) = 0;
  // Takes the lease of a pending payment whose lease lapsed: the payment, or nullopt when it is
  // settled or someone else's lease runs.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<PaymentRecord>>> take(
      const domain::Uuid& id, Lease lease) = 0;
  // Queued: the outcome (status succeeded or failed) of a pending payment.
  virtual void settle(const PaymentRecord& payment) = 0;
  // Queued: gives up the lease now, so the next retry need not wait for it to lapse — if it is
  // still the caller's (`attempts` as the caller took it; a lease taken over since is left).
  virtual void release(const domain::Uuid& id, int attempts) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<PaymentRecord>>> list(
      const domain::Uuid& order_id) = 0;

  [[nodiscard]] virtual boost::asio::awaitable<Outcome<RefundSituation>> refund_situation(
      const domain::Uuid& order_id, const std::optional<PaymentRequestKey>& request) = 0;
  // Queued: a pending refund, asked for by `request` or made by a cancellation (one of the two).
  virtual void add_refund(const RefundRecord& refund,
                          const std::optional<PaymentRequestKey>& request, Lease lease) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<RefundRecord>>> lock_refund(
      const domain::Uuid& id) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<RefundRecord>>> take_refund(
      const domain::Uuid& id, Lease lease) = 0;
  virtual void settle_refund(const RefundRecord& refund) = 0;
  virtual void release_refund(const domain::Uuid& id, int attempts) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<RefundRecord>>> list_refunds(
      const domain::Uuid& order_id) = 0;

  // Queued: a running cancellation at its first step.
  virtual void add_cancellation(const CancellationRecord& c, Lease lease) = 0;
  // The cancellation with its refund, both locked.
  [[nodiscard]] virtual boost::asio::awaitable<
      Outcome<std::optional<std::pair<CancellationRecord, RefundRecord>>>>
  lock_cancellation(const domain::Uuid& id) = 0;
  // Takes the lease of a running cancellation whose lease lapsed.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<CancellationRecord>>>
  take_cancellation(const domain::Uuid& id, Lease lease) = 0;
  // Queued: the cancellation's next step (and why, when it was compensated).
  virtual void advance_cancellation(const CancellationRecord& c) = 0;
  virtual void release_cancellation(const domain::Uuid& id, int attempts) = 0;
};

}  // namespace brandos::application
