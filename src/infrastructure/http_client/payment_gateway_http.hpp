#pragma once
// The PaymentGateway port over HTTP, speaking docs/payment-gateway.md with Boost.Beast on the
// caller's I/O thread. Every call is idempotent (writes carry our key; lookups are reads), so
// transient failures (no connection, no answer within the attempt's deadline, 5xx, an answer
// that is not a charge or refund) are retried with exponential backoff and full jitter, within
// the caller's deadline. Every attempt goes through the gateway's circuit breaker: while it is
// open, calls fail at once with 503 and the breaker's Retry-After, without touching the network.
//
// Thread-safety: calls may come from any I/O thread at once (a connection per call; the breaker
// and the resolver are thread-safe). close() before the io_contexts go.
#include <chrono>
#include <memory>
#include <string>

#include "application/ports/payment_gateway.hpp"
#include "application/resilience/circuit_breaker.hpp"
#include "infrastructure/observability/span_exporter.hpp"

namespace boost::asio::ssl {
class context;
}

namespace brandos::http_client {

class HostResolver;

struct PaymentGatewayHttpOptions {
  std::string url;      // base URL: http(s)://host[:port][/prefix]
  std::string api_key;  // sent as a Bearer token when set
  std::chrono::milliseconds attempt_timeout{5'000};
  int attempts = 3;
  std::chrono::milliseconds retry_base{100};
  std::chrono::milliseconds retry_cap{1'000};
  // Each attempt carries the operation's trace downstream (traceparent) and, when the trace is
  // sampled, is exported as a client span (may be null: tracing off).
  observability::SpanExporter* spans = nullptr;
};

class PaymentGatewayHttp final : public application::PaymentGateway {
 public:
  // Throws std::invalid_argument when the URL is not an http(s) base URL.
  PaymentGatewayHttp(PaymentGatewayHttpOptions options, application::CircuitBreaker& breaker);
  ~PaymentGatewayHttp() override;

  std::string provider() const override { return "card-gateway"; }
  std::optional<application::Failure> refusing() override;
  boost::asio::awaitable<application::Outcome<application::GatewayCharge>> charge(
      const application::OperationContext& ctx, const application::ChargeRequest& r) override;
  boost::asio::awaitable<application::Outcome<application::GatewayRefund>> refund(
      const application::OperationContext& ctx, const application::RefundRequest& r) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::GatewayCharge>>>
  find_charge(const application::OperationContext& ctx, const std::string& key) override;
  void close();

  struct Reply {
    int status = 0;
    std::string body;
  };

 private:
  struct Target;
  // The exchange with retries; `accept` says whether a reply is the gateway's real answer (else
  // it counts as a failed attempt and is retried).
  boost::asio::awaitable<application::Outcome<Reply>> call(const application::OperationContext& ctx,
                                                           bool post, const std::string& path,
                                                           const std::string& key,
                                                           const std::string& body,
                                                           bool (*accept)(const Reply&));
  boost::asio::awaitable<std::optional<Reply>> attempt(
      bool post, const std::string& path, const std::string& key, const std::string& body,
      const std::string& traceparent, std::chrono::steady_clock::time_point deadline);

  PaymentGatewayHttpOptions options_;
  application::CircuitBreaker& breaker_;
  std::unique_ptr<Target> target_;
  std::unique_ptr<HostResolver> resolver_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace brandos::http_client
