#pragma once
// Webhooks: the endpoints' routes (per I/O thread), the fan-out consumer that turns events into
// deliveries (subscribed to the event stream before it starts), and the leader-elected delivery
// job (thread 0, the jobs' connections) with its outbound HTTP client.
#include <memory>
#include <vector>

#include "app/modules/events_module.hpp"
#include "app/modules/jobs_module.hpp"
#include "app/modules/route_source.hpp"
#include "application/webhooks/deliver_webhooks.hpp"
#include "application/webhooks/fan_out_webhooks.hpp"
#include "application/webhooks/manage_webhooks.hpp"
#include "infrastructure/crypto/hmac_signer.hpp"
#include "infrastructure/crypto/personal_data_cipher.hpp"
#include "infrastructure/http_client/webhook_http.hpp"

namespace brandos::app {

class WebhooksModule final : public Module, public RouteSource {
 public:
  WebhooksModule(const Config& config, Runtime& runtime, DatabaseModule& database,
                 EventsModule& events, JobsModule& jobs, application::IdGenerator& ids)
      : config_(config),
        runtime_(runtime),
        database_(database),
        events_(events),
        jobs_(jobs),
        ids_(ids) {}
  std::string_view name() const override { return "webhooks"; }
  void start() override;
  void stop() override;
  void add_routes(int thread, api::Router& router) override;

 private:
  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  EventsModule& events_;
  JobsModule& jobs_;
  application::IdGenerator& ids_;
  std::unique_ptr<crypto::SodiumPersonalDataCipher> cipher_;
  std::unique_ptr<http_client::WebhookHttp> http_;
  crypto::HmacSigner signer_;
  std::unique_ptr<application::FanOutWebhooks> fan_out_;
  std::unique_ptr<application::DeliverWebhooks> deliver_;
  std::vector<std::unique_ptr<application::ManageWebhooks>> manage_;
};

}  // namespace brandos::app
