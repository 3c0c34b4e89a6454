#include "app/modules/webhooks_module.hpp"

#include "api/webhook_routes.hpp"
#include "app/signing_keys.hpp"
#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

void WebhooksModule::start() {
  cipher_ = std::make_unique<crypto::SodiumPersonalDataCipher>(
      load_master_keys(config_.data_keys, config_.data_dir),
      load_email_index_key(config_.email_index_key, config_.data_dir));
  http_ = std::make_unique<http_client::WebhookHttp>(config_.webhook_allow_private_targets,
                                                     runtime_.spans());
  if (config_.webhook_allow_private_targets)
    observability::log_warn("webhook_private_targets_allowed")
        .str("hint", "webhooks may reach loopback and internal addresses; for tests only")
        .write();
  for (int i = 0; i < runtime_.threads(); ++i)
    manage_.push_back(std::make_unique<application::ManageWebhooks>(database_.tenant_data(i),
                                                                    *cipher_, *http_, ids_));

  fan_out_ = std::make_unique<application::FanOutWebhooks>(database_.jobs_tenant_data(), ids_);
  events_.subscribe(*fan_out_);

  application::WebhookDeliverySettings settings;
  settings.timeout = std::chrono::milliseconds(config_.webhook_timeout_ms);
  settings.policy.retry_base = std::chrono::milliseconds(config_.webhook_retry_base_ms);
  settings.policy.max_attempts = config_.webhook_max_attempts;
  settings.policy.breaker_after = config_.webhook_breaker_after;
  settings.policy.breaker_cooldown = std::chrono::milliseconds(config_.webhook_breaker_cooldown_ms);
  settings.policy.disable_after = config_.webhook_disable_after;
  deliver_ = std::make_unique<application::DeliverWebhooks>(
      database_.webhook_feed(), *http_, *cipher_, signer_, ids_, settings, [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      });

  auto& registry = runtime_.registry();
  auto& succeeded = registry.counter("webhook_attempts_total", "Webhook delivery attempts.",
                                     {{"outcome", "succeeded"}});
  auto& failed = registry.counter("webhook_attempts_total", "Webhook delivery attempts.",
                                  {{"outcome", "failed"}});
  auto& disabled =
      registry.counter("webhook_endpoints_disabled_total", "Endpoints disabled after failures.");
  LeaderJob job;
  // Polled: at least every second, and often enough that a short retry delay (tests, closed
  // networks) is kept to within half of it.
  job.every =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(1), settings.policy.retry_base / 2);
  job.run_budget = settings.timeout + std::chrono::seconds(20);
  job.run = [this, &succeeded, &failed,
             &disabled](const application::OperationContext& ctx) -> asio::awaitable<bool> {
    auto step = co_await (*deliver_)(ctx);
    if (!step) {
      observability::log_warn("webhook_delivery_failed").str("error", step.error().detail).write();
      co_return false;
    }
    succeeded.inc(step->succeeded);
    failed.inc(step->failed);
    disabled.inc(step->disabled);
    co_return step->claimed == static_cast<std::size_t>(deliver_->batch());
  };
  jobs_.add("webhook-delivery", std::move(job));
}

// The I/O threads are joined; their io_contexts still exist: no name lookup answers after this.
void WebhooksModule::stop() {
  if (http_) http_->close();
}

void WebhooksModule::add_routes(int thread, api::Router& router) {
  api::add_webhook_routes(router, *manage_.at(static_cast<std::size_t>(thread)));
}

}  // namespace brandos::app
