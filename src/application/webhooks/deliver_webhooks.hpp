#pragma once
// One step of the webhook delivery job (leader-elected, fenced): claim the due deliveries, sign
// and POST them (concurrently, each within the deadline), and record each outcome with what the
// delivery policy decides: the next retry, the endpoint's breaker, and its disabling, which is
// audited and announced (webhook_endpoint.disabled) in the same transaction.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>

#include "application/ports/id_generator.hpp"
#include "application/ports/unit_of_work.hpp"
#include "application/ports/webhooks.hpp"
#include "domain/webhooks/delivery_policy.hpp"

namespace brandos::application {

struct WebhookStep {
  std::size_t claimed = 0;
  std::size_t succeeded = 0;
  std::size_t failed = 0;    // attempts that failed (retried or given up)
  std::size_t disabled = 0;  // endpoints disabled by this step
};

struct WebhookDeliverySettings {
  domain::WebhookPolicy policy;
  std::chrono::milliseconds timeout{10'000};  // API.md: 2xx within 10 s is success
  int batch = 50;
};

class DeliverWebhooks {
 public:
  DeliverWebhooks(WebhookDeliveryFeed& feed, WebhookSender& sender, PersonalDataCipher& cipher,
                  const MessageSigner& signer, IdGenerator& ids, WebhookDeliverySettings settings,
                  std::function<std::int64_t()> unix_now);
  [[nodiscard]] boost::asio::awaitable<Outcome<WebhookStep>> operator()(
      const OperationContext& ctx) const;
  int batch() const { return settings_.batch; }

  // "t=<unix>,v1=<hex>[,v1=<hex of the previous secret>]" over "<t>.<body>".
  static std::string signature(const MessageSigner& signer, std::int64_t t, std::string_view body,
                               std::string_view secret, const std::string* previous);

 private:
  WebhookDeliveryFeed& feed_;
  WebhookSender& sender_;
  PersonalDataCipher& cipher_;
  const MessageSigner& signer_;
  IdGenerator& ids_;
  WebhookDeliverySettings settings_;
  std::function<std::int64_t()> unix_now_;
};

}  // namespace brandos::application
