#include "app/modules/payments_module.hpp"

#include "infrastructure/http_client/payment_gateway_http.hpp"
#include "infrastructure/local/test_payment_gateway.hpp"
#include "infrastructure/observability/breaker_metrics.hpp"
#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

namespace {
constexpr int kSettlementBatch = 100;
}

PaymentsModule::PaymentsModule(const Config& config, Runtime& runtime, DatabaseModule& database,
                               OrderingModule* ordering, JobsModule& jobs,
                               const application::ResourceDocuments& documents,
                               application::IdGenerator& ids,
                               application::BusinessMetrics& business,
                               observability::SpanExporter* spans)
    : config_(config),
      runtime_(runtime),
      database_(database),
      ordering_(ordering),
      jobs_(jobs),
      documents_(documents),
      ids_(ids),
      business_(business),
      spans_(spans) {}

PaymentsModule::~PaymentsModule() = default;

PaymentsModule::UseCases PaymentsModule::use_cases(application::TenantData& data,
                                                   const application::ManageOrders& orders) {
  const application::PaymentServices services{
      data,
      *gateway_,
      documents_,
      ids_,
      std::chrono::milliseconds(config_.payment_attempt_lease_ms),
      &business_};
  UseCases u;
  u.payments = std::make_unique<application::TakePayment>(services);
  u.refunds = std::make_unique<application::RefundPayment>(services);
  u.cancellations = std::make_unique<application::CancelOrder>(services, orders);
  return u;
}

void PaymentsModule::start() {
  if (config_.payment_gateway_url.empty()) {
    gateway_ = std::make_unique<local::TestPaymentGateway>();
  } else {
    breaker_ = std::make_unique<application::CircuitBreaker>(
        "payment-gateway",
        application::BreakerSettings{config_.breaker_failures,
                                     std::chrono::milliseconds(config_.breaker_window_ms),
                                     std::chrono::milliseconds(config_.breaker_open_ms), 1});
    observability::register_breaker_metrics(runtime_.registry(), *breaker_);
    http_client::PaymentGatewayHttpOptions options;
    options.url = config_.payment_gateway_url;
    options.api_key = config_.payment_gateway_key;
    options.attempt_timeout = std::chrono::milliseconds(config_.payment_gateway_timeout_ms);
    options.attempts = config_.payment_gateway_attempts;
    options.spans = spans_;
    auto http = std::make_unique<http_client::PaymentGatewayHttp>(options, *breaker_);
    http_gateway_ = http.get();
    gateway_ = std::move(http);
    const auto worst = config_.payment_gateway_timeout_ms * config_.payment_gateway_attempts +
                       1000 * (config_.payment_gateway_attempts - 1);
    if (config_.payment_attempt_lease_ms <= worst)
      observability::log_warn("payment_lease_short")
          .num("lease_ms", static_cast<std::int64_t>(config_.payment_attempt_lease_ms))
          .num("gateway_worst_ms", static_cast<std::int64_t>(worst))
          .str("hint", "a settlement may take over a payment whose request still waits")
          .write();
  }
  observability::log_info("payment_provider").str("provider", gateway_->provider()).write();
  if (ordering_ != nullptr)
    for (int i = 0; i < runtime_.threads(); ++i) {
      PerThread t;
      t.cases = use_cases(database_.tenant_data(i), ordering_->orders(i));
      t.idempotency = std::make_unique<application::IdempotentRequests>(database_.tenant_data(i));
      t.api = std::make_unique<api::PaymentsApi>(
          api::PaymentsApi{*t.cases.payments, *t.cases.refunds, *t.cases.cancellations,
                           *t.idempotency, fingerprints_});
      threads_.push_back(std::move(t));
    }
  if (config_.jobs || !config_.api) add_settlement_job();
}

void PaymentsModule::add_settlement_job() {
  job_orders_ = std::make_unique<application::ManageOrders>(
      database_.jobs_tenant_data(), documents_, ids_, 1, nullptr, &business_);
  job_cases_ = use_cases(database_.jobs_tenant_data(), *job_orders_);
  settle_ = std::make_unique<application::SettleUnfinishedPayments>(
      database_.jobs_maintenance(), *job_cases_.payments, *job_cases_.refunds,
      *job_cases_.cancellations);
  LeaderJob job;
  job.every = std::chrono::milliseconds(config_.payment_settlement_interval_ms);
  // Each item it takes is leased for payment_attempt_lease_ms from then: a run ends before that.
  job.run_budget = std::chrono::milliseconds(std::max(500, config_.payment_attempt_lease_ms - 500));
  job.run = [this](const application::OperationContext& ctx) -> asio::awaitable<bool> {
    auto run = co_await (*settle_)(ctx, kSettlementBatch);
    if (!run) {
      observability::log_warn("job_failed")
          .str("job", "payment-settlement")
          .str("error", run.error().detail)
          .write();
      co_return false;
    }
    if (run->finished > 0 || run->failed > 0)
      observability::log_info("payments_settled")
          .num("finished", static_cast<std::int64_t>(run->finished))
          .num("left", static_cast<std::int64_t>(run->failed))
          .write();
    // A full batch finished: more may be due now. Failures wait for the next interval.
    co_return run->finished >= kSettlementBatch;
  };
  jobs_.add("payment-settlement", std::move(job));
}

void PaymentsModule::stop() {
  if (http_gateway_ != nullptr) http_gateway_->close();
}

void PaymentsModule::add_routes(int thread, api::Router& router) {
  api::add_payment_routes(router, *threads_.at(static_cast<std::size_t>(thread)).api);
}

}  // namespace brandos::app
