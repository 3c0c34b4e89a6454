#pragma once
// Payments (ADR 0018): the payment gateway (the built-in `test` provider, or the card gateway
// over HTTP behind its circuit breaker), per I/O thread the payment, refund and cancellation use
// cases and their routes, and the leader-elected settlement job (thread 0, the jobs' connections)
// that finishes what crashes and outages left unfinished. In a worker only the job runs.
#include <memory>
#include <vector>

#include "api/payment_routes.hpp"
#include "app/modules/commerce_modules.hpp"
#include "app/modules/jobs_module.hpp"
#include "app/modules/route_source.hpp"
#include "application/payments/settle_unfinished_payments.hpp"
#include "application/resilience/circuit_breaker.hpp"

namespace brandos::http_client {
class PaymentGatewayHttp;
}

namespace brandos::app {

class PaymentsModule final : public Module, public RouteSource {
 public:
  // `ordering` is null in a worker (no routes there).
  PaymentsModule(const Config& config, Runtime& runtime, DatabaseModule& database,
                 OrderingModule* ordering, JobsModule& jobs,
                 const application::ResourceDocuments& documents, application::IdGenerator& ids,
                 application::BusinessMetrics& business,
                 observability::SpanExporter* spans = nullptr);
  ~PaymentsModule() override;
  std::string_view name() const override { return "payments"; }
  void start() override;
  void stop() override;
  void add_routes(int thread, api::Router& router) override;

 private:
  struct UseCases {
    std::unique_ptr<application::TakePayment> payments;
    std::unique_ptr<application::RefundPayment> refunds;
    std::unique_ptr<application::CancelOrder> cancellations;
  };
  UseCases use_cases(application::TenantData& data, const application::ManageOrders& orders);
  void add_settlement_job();

  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  OrderingModule* ordering_;
  JobsModule& jobs_;
  const application::ResourceDocuments& documents_;
  application::IdGenerator& ids_;
  application::BusinessMetrics& business_;
  observability::SpanExporter* spans_;
  std::unique_ptr<application::CircuitBreaker> breaker_;
  std::unique_ptr<application::PaymentGateway> gateway_;
  http_client::PaymentGatewayHttp* http_gateway_ = nullptr;  // gateway_, when it is the HTTP one
  crypto::Sha256RequestFingerprints fingerprints_;
  struct PerThread {
    UseCases cases;
    std::unique_ptr<application::IdempotentRequests> idempotency;
    std::unique_ptr<api::PaymentsApi> api;
  };
  std::vector<PerThread> threads_;
  // The settlement job's, on the jobs' connections.
  std::unique_ptr<application::ManageOrders> job_orders_;
  UseCases job_cases_;
  std::unique_ptr<application::SettleUnfinishedPayments> settle_;
};

}  // namespace brandos::app
