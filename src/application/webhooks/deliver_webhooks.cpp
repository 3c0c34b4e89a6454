#include "application/webhooks/deliver_webhooks.hpp"

#include <map>
#include <random>
#include <stdexcept>

#include "application/webhooks/manage_webhooks.hpp"

namespace brandos::application {

namespace asio = boost::asio;

DeliverWebhooks::DeliverWebhooks(WebhookDeliveryFeed& feed, WebhookSender& sender,
                                 PersonalDataCipher& cipher, const MessageSigner& signer,
                                 TenantData& data, IdGenerator& ids,
                                 WebhookDeliverySettings settings,
                                 std::function<std::int64_t()> unix_now)
    : feed_(feed),
      sender_(sender),
      cipher_(cipher),
      signer_(signer),
      data_(data),
      ids_(ids),
      settings_(settings),
      unix_now_(std::move(unix_now)) {}

std::string DeliverWebhooks::signature(const MessageSigner& signer, std::int64_t t,
                                       std::string_view body, std::string_view secret,
                                       const std::string* previous) {
  std::string signed_text = std::to_string(t) + ".";
  signed_text.append(body);
  std::string header = "t=" + std::to_string(t) + ",v1=" + signer.hmac_sha256_hex(secret, signed_text);
  if (previous) header += ",v1=" + signer.hmac_sha256_hex(*previous, signed_text);
  return header;
}

asio::awaitable<Outcome<WebhookStep>> DeliverWebhooks::operator()(
    const OperationContext& ctx) const {
  if (!ctx.fence) throw std::logic_error("webhook deliveries run under a lease");
  // A claim outlives the slowest attempt with room to record it.
  const auto lease = std::chrono::duration_cast<std::chrono::seconds>(settings_.timeout) +
                     std::chrono::seconds(30);
  auto due = co_await feed_.claim(ctx, settings_.batch, lease);
  if (!due) co_return std::unexpected(std::move(due.error()));
  WebhookStep step;
  step.claimed = due->size();
  if (due->empty()) co_return step;

  std::vector<WebhookRequest> requests;
  requests.reserve(due->size());
  const auto t = unix_now_();
  for (const auto& d : *due) {
    auto secret = cipher_.open(d.key, d.tenant_id, d.endpoint_id, ManageWebhooks::kSecretField,
                               d.secret);
    // A secret that does not open under its own key is corruption or tampering: a bug.
    if (!secret) throw std::runtime_error("a webhook secret does not open under its key");
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
    // The event's trace (API.md): a trace named by the event id, as on the broker.
    const auto& b = d.event_id.bytes();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string trace;
    for (auto byte : b) {
      trace += kHex[byte >> 4];
      trace += kHex[byte & 15];
    }
    std::string span = trace.substr(16);
    if (span == std::string(16, '0')) span[15] = '1';
    r.headers.emplace_back("traceparent", "00-" + trace + "-" + span + "-01");
    requests.push_back(std::move(r));
  }
  auto responses = co_await sender_.post_all(ctx, requests, settings_.timeout);

  thread_local std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::map<domain::Uuid, int> failures;  // per endpoint, counting this step's failures too
  for (std::size_t i = 0; i < due->size(); ++i) {
    const auto& d = (*due)[i];
    const auto& resp = responses.at(i);
    const bool ok = resp.status_code && *resp.status_code >= 200 && *resp.status_code < 300;
    auto [it, fresh] = failures.emplace(d.endpoint_id, d.consecutive_failures);
    const auto decision = domain::decide_after_attempt(settings_.policy, ok, d.attempts + 1,
                                                       d.age, it->second, d.probe && fresh,
                                                       uniform(random));
    it->second = ok ? 0 : it->second + 1;
    WebhookAttempt a;
    a.delivery = d.id;
    a.succeeded = ok;
    a.status_code = resp.status_code;
    a.error = ok ? std::string() : (resp.error.empty() && resp.status_code
                                        ? "HTTP " + std::to_string(*resp.status_code)
                                        : resp.error);
    a.latency = resp.latency;
    a.retry_in = decision.retry_in;
    a.breaker_open = decision.breaker_open;
    a.disable = decision.disable;
    auto recorded = co_await feed_.record(ctx, a);
    if (!recorded) co_return std::unexpected(std::move(recorded.error()));
    (ok ? step.succeeded : step.failed) += 1;
    if (*recorded) {
      ++step.disabled;
      auto announced = co_await announce_disabled(ctx, d, **recorded);
      if (!announced) co_return std::unexpected(std::move(announced.error()));
    }
  }
  co_return step;
}

asio::awaitable<Outcome<void>> DeliverWebhooks::announce_disabled(
    const OperationContext& ctx, const DueWebhookDelivery& d, int version) const {
  auto in_tenant = OperationContext::system(d.tenant_id, ctx.request_id);
  in_tenant.deadline = ctx.deadline;
  in_tenant.fence = ctx.fence;
  auto uow = data_.begin(in_tenant, Access::write);
  AuditEntry a;
  a.action = "webhook.disabled";
  a.target_type = "webhook";
  a.target_id = d.endpoint_id.to_string();
  a.origin = in_tenant.origin();
  a.outcome = "success";
  a.details_json = R"({"reason":"too many failed deliveries"})";
  uow->audit().append(a);
  OutboxEvent e;
  e.id = ids_.new_id();
  e.type = "webhook_endpoint.disabled";
  e.aggregate_type = "webhook_endpoint";
  e.aggregate_id = d.endpoint_id;
  e.aggregate_version = version;
  e.data_json = std::string(R"({"id":")") + d.endpoint_id.to_string() +
                R"(","reason":"too many failed deliveries"})";
  uow->outbox().add(e);
  co_return co_await uow->commit();
}

}  // namespace brandos::application
