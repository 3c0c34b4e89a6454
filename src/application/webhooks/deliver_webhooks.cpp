#include "application/webhooks/deliver_webhooks.hpp"

#include <map>
#include <random>
#include <stdexcept>

#include "application/events/tenant_events.hpp"
#include "application/webhooks/manage_webhooks.hpp"

namespace brandos::application {

namespace asio = boost::asio;

DeliverWebhooks::DeliverWebhooks(WebhookDeliveryFeed& feed, WebhookSender& sender,
                                 PersonalDataCipher& cipher, const MessageSigner& signer,
                                 IdGenerator& ids, WebhookDeliverySettings settings,
                                 std::function<std::int64_t()> unix_now)
    : feed_(feed),
      sender_(sender),
      cipher_(cipher),
      signer_(signer),
      ids_(ids),
      settings_(settings),
      unix_now_(std::move(unix_now)) {}

std::string DeliverWebhooks::signature(const MessageSigner& signer, std::int64_t t,
                                       std::string_view body, std::string_view secret,
                                       const std::string* previous) {
  std::string signed_text = std::to_string(t) + ".";
  signed_text.append(body);
  std::string header =
      "t=" + std::to_string(t) + ",v1=" + signer.hmac_sha256_hex(secret, signed_text);
  if (previous) header += ",v1=" + signer.hmac_sha256_hex(*previous, signed_text);
  return header;
}

asio::awaitable<Outcome<WebhookStep>> DeliverWebhooks::operator()(
    const OperationContext& ctx) const {
  if (!ctx.fence) throw std::logic_error("webhook deliveries run under a lease");
  // A claim outlives the slowest attempt with room to record it.
  const auto lease = std::chrono::duration_cast<std::chrono::seconds>(settings_.timeout) +
                     std::chrono::seconds(30);
  auto due = co_await feed_.claim(ctx, settings_.batch, lease, settings_.policy.breaker_after);
  if (!due) co_return std::unexpected(std::move(due.error()));
  WebhookStep step;
  step.claimed = due->size();
  if (due->empty()) co_return step;

  std::vector<WebhookRequest> requests;
  requests.reserve(due->size());
  std::vector<std::size_t> sent;  // index in *due of each request
  std::vector<std::optional<WebhookResponse>> unsent(due->size());
  const auto t = unix_now_();
  for (std::size_t i = 0; i < due->size(); ++i) {
    const auto& d = (*due)[i];
    auto secret =
        cipher_.open(d.key, d.tenant_id, d.endpoint_id, ManageWebhooks::kSecretField, d.secret);
    // A secret that does not open under its key (a retired master key, a damaged row) fails this
    // delivery's attempt, unsent; the rest of the batch goes on.
    if (!secret) {
      unsent[i] = WebhookResponse{std::nullopt, "the endpoint's secret cannot be opened", {}};
      continue;
    }
    std::optional<std::string> previous;
    if (d.previous_secret)
      previous = cipher_.open(d.key, d.tenant_id, d.endpoint_id, ManageWebhooks::kSecretField,
                              *d.previous_secret);
    WebhookRequest r;
    r.url = d.url;
    r.body = d.payload;
    r.headers = {{"Content-Type", "application/json"},
                 {"User-Agent", "BrandOS-Webhooks/1"},
                 {"BrandOS-Event-Id", d.event_id.to_string()},
                 {"BrandOS-Signature",
                  signature(signer_, t, d.payload, *secret, previous ? &*previous : nullptr)}};
    // The event's trace (API.md): the request that wrote it, or the one named by the event.
    r.traceparent = d.traceparent.empty() ? event_traceparent(d.event_id) : d.traceparent;
    r.event_type = d.event_type;
    requests.push_back(std::move(r));
    sent.push_back(i);
  }
  auto answers = co_await sender_.post_all(ctx, requests, settings_.timeout);
  std::vector<WebhookResponse> responses(due->size());
  for (std::size_t k = 0; k < sent.size(); ++k) responses[sent[k]] = std::move(answers.at(k));
  for (std::size_t i = 0; i < due->size(); ++i)
    if (unsent[i]) responses[i] = std::move(*unsent[i]);

  thread_local std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::map<domain::Uuid, int> failures;  // per endpoint, counting this step's failures too
  for (std::size_t i = 0; i < due->size(); ++i) {
    const auto& d = (*due)[i];
    const auto& resp = responses.at(i);
    const bool ok = resp.status_code && *resp.status_code >= 200 && *resp.status_code < 300;
    auto [it, fresh] = failures.emplace(d.endpoint_id, d.consecutive_failures);
    const auto decision = domain::decide_after_attempt(
        settings_.policy, ok, d.attempts + 1, d.age, it->second, d.probe && fresh, uniform(random));
    it->second = ok ? 0 : it->second + 1;
    WebhookAttempt a;
    a.delivery = d.id;
    a.succeeded = ok;
    a.status_code = resp.status_code;
    a.error =
        ok ? std::string()
           : (resp.error.empty() && resp.status_code ? "HTTP " + std::to_string(*resp.status_code)
                                                     : resp.error);
    a.latency = resp.latency;
    a.retry_in = decision.retry_in;
    a.breaker_open = decision.breaker_open;
    a.disable = decision.disable;
    a.audit_id = ids_.new_id();
    a.event_id = ids_.new_id();
    a.request_id = ctx.request_id;
    auto recorded = co_await feed_.record(ctx, a);
    if (!recorded) co_return std::unexpected(std::move(recorded.error()));
    (ok ? step.succeeded : step.failed) += 1;
    if (*recorded) ++step.disabled;
  }
  co_return step;
}

}  // namespace brandos::application
