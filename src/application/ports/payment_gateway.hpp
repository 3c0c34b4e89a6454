#pragma once
// Port: the card gateway that moves the money (docs/payment-gateway.md). Every write carries our
// key (a payment's or a refund's id), and the gateway performs each key at most once, answering
// a repeated key with the first outcome: so every call here is safe to repeat, and a crash at any
// point is finished by asking again with the same key.
//
// Failures: unavailable (with retry_after_seconds) when the gateway cannot be reached, answers
// 5xx, times out or its circuit breaker is open; the outcome of a write is then unknown and must
// be found out with the same key. Anything the gateway refuses as a business outcome (a decline)
// is a value, not a failure.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "application/failure.hpp"
#include "application/operation_context.hpp"

namespace brandos::application {

struct ChargeRequest {
  std::string key;  // the payment's id
  std::int64_t amount = 0;
  std::string currency;
  std::string payment_method;
  std::string reference;  // shown to the brand in the gateway's dashboard: the order id
};

struct GatewayCharge {
  bool succeeded = false;
  std::string reference;     // the gateway's id of the charge
  std::string decline_code;  // when not succeeded
};

struct RefundRequest {
  std::string key;  // the refund's id
  std::string charge_reference;
  std::int64_t amount = 0;
};

struct GatewayRefund {
  bool succeeded = false;
  std::string reference;
  std::string failure_code;
};

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;
  // unavailable (with Retry-After) when a call now would be refused at once (its circuit breaker
  // is open): a payment is then refused before anything is recorded. nullopt: go ahead.
  virtual std::optional<Failure> refusing() { return std::nullopt; }
  // The provider's name as payments show it ("test", "card-gateway").
  virtual std::string provider() const = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<GatewayCharge>> charge(
      const OperationContext& ctx, const ChargeRequest& request) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<GatewayRefund>> refund(
      const OperationContext& ctx, const RefundRequest& request) = 0;
  // The charge made with `key`, or nullopt when the gateway has none.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<GatewayCharge>>> find_charge(
      const OperationContext& ctx, const std::string& key) = 0;
};

}  // namespace brandos::application
