#pragma once
// Ports of webhooks: the endpoints and deliveries of a tenant (on its unit of work), the delivery
// job's view across tenants (fenced by its lease), the outbound HTTP sender, the check of a
// target URL, and the signature.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "application/failure.hpp"
#include "application/operation_context.hpp"
#include "application/ports/personal_data_cipher.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

struct WebhookEndpointRecord {
  domain::Uuid id;
  std::string url;
  std::vector<std::string> events;  // event types, or {"*"}
  std::optional<std::string> description;
  bool active = true;
  std::optional<std::string> disabled_reason;
  int consecutive_failures = 0;
  WrappedKey key;                                         // the endpoint's data key, wrapped
  Bytes secret;                                           // sealed
  std::optional<Bytes> previous_secret;                   // sealed; signs too until it expires
  std::optional<std::string> previous_secret_expires_at;  // RFC 3339
  bool reset_health = false;  // on save: failures and breaker cleared (re-enabled)
  // On save: previous_secret keeps signing for the rotation overlap (a day) from now.
  bool start_rotation_overlap = false;
  int version = 1;
  std::string created_at;
  std::string updated_at;
};

struct WebhookDeliveryRecord {
  domain::Uuid id;
  domain::Uuid endpoint_id;
  domain::Uuid event_id;
  std::string event_type;
  std::string status;  // pending | succeeded | failed
  int attempts = 0;
  std::optional<std::string> next_attempt_at;
  std::optional<std::string> last_attempt_at;
  std::optional<int> last_status_code;
  std::optional<std::string> last_error;
  std::optional<int> last_latency_ms;
  std::string created_at;
};

struct NewWebhookDelivery {
  domain::Uuid id;
  domain::Uuid endpoint_id;
  domain::Uuid event_id;
  std::string event_type;
  std::string payload;      // the event's envelope, as sent
  std::string traceparent;  // the event's (PublishedEvent::traceparent); empty: none
};

class WebhookRepository {
 public:
  virtual ~WebhookRepository() = default;
  virtual void add(const WebhookEndpointRecord& endpoint) = 0;  // queued
  // `lock`: FOR UPDATE, for a change that reads before it writes.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<WebhookEndpointRecord>>> get(
      const domain::Uuid& id, bool lock) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<WebhookEndpointRecord>>> list(
      const std::optional<domain::Uuid>& after, int limit) = 0;
  // The active endpoints (for the fan-out: ids and event types).
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<WebhookEndpointRecord>>>
  active() = 0;
  virtual void save(const WebhookEndpointRecord& endpoint) = 0;  // queued; version + 1
  virtual void remove(const domain::Uuid& id) = 0;               // queued; soft delete
  // Queued; an (endpoint, event) pair that already has a delivery is left alone.
  virtual void add_deliveries(const std::vector<NewWebhookDelivery>& deliveries) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<WebhookDeliveryRecord>>>
  deliveries(const domain::Uuid& endpoint, const std::optional<domain::Uuid>& after, int limit) = 0;
  // Makes a delivery of the endpoint due now again (pending); empty when there is none.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<WebhookDeliveryRecord>>>
  retry_delivery(const domain::Uuid& endpoint, const domain::Uuid& delivery) = 0;
};

// A delivery claimed by the delivery job, with what sending it needs.
struct DueWebhookDelivery {
  domain::Uuid id;
  domain::Uuid tenant_id;
  domain::Uuid endpoint_id;
  domain::Uuid event_id;
  std::string event_type;
  std::string payload;
  int attempts = 0;  // made before this one
  std::chrono::milliseconds age{0};
  std::string url;
  WrappedKey key;
  Bytes secret;
  std::optional<Bytes> previous_secret;
  int consecutive_failures = 0;
  bool probe = false;       // the breaker's half-open probe
  std::string traceparent;  // the event's; empty: none
};

struct WebhookAttempt {
  domain::Uuid delivery;
  bool succeeded = false;
  std::optional<int> status_code;
  std::string error;
  std::chrono::milliseconds latency{0};
  std::optional<std::chrono::milliseconds> retry_in;
  std::optional<std::chrono::milliseconds> breaker_open;
  bool disable = false;
  // Used only when this attempt disables the endpoint: its audit entry and its event, written
  // in the same transaction.
  domain::Uuid audit_id;
  domain::Uuid event_id;
  std::string request_id;
};

class WebhookDeliveryFeed {
 public:
  virtual ~WebhookDeliveryFeed() = default;
  // Due deliveries of every tenant, each claimed for `lease` (it comes due again if no outcome
  // is recorded by then); of one endpoint, no more than `breaker_after` minus its failures in a
  // row (one while its breaker is half-open). Fenced by ctx.fence.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<DueWebhookDelivery>>> claim(
      const OperationContext& ctx, int limit, std::chrono::seconds lease, int breaker_after) = 0;
  // Records an attempt and its consequences; disabling an endpoint writes its audit entry and
  // its webhook_endpoint.disabled event in the same transaction. When it disabled an active
  // endpoint: the endpoint's version after that change. Fenced.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<int>>> record(
      const OperationContext& ctx, const WebhookAttempt& attempt) = 0;
};

struct WebhookRequest {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The trace the attempt continues: the sender makes the attempt a span of its own, this
  // traceparent's child, and sends that span as the request's traceparent header.
  std::string traceparent;
  std::string event_type;  // names the span
};

struct WebhookResponse {
  std::optional<int> status_code;  // empty: no HTTP answer (refused, timed out, bad target)
  std::string error;
  std::chrono::milliseconds latency{0};
};

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // POSTs every request (concurrently), each within `timeout`; the answers in the same order.
  // A target that resolves to a private, loopback or link-local address is not connected to
  // (unless the sender was configured to allow them).
  [[nodiscard]] virtual boost::asio::awaitable<std::vector<WebhookResponse>> post_all(
      const OperationContext& ctx, const std::vector<WebhookRequest>& requests,
      std::chrono::milliseconds timeout) = 0;
};

class WebhookTargets {
 public:
  virtual ~WebhookTargets() = default;
  // Empty when `url` may receive webhooks (http or https, a host that resolves to public
  // addresses only, unless private targets are allowed); else why not.
  [[nodiscard]] virtual boost::asio::awaitable<std::optional<std::string>> refuse(
      const OperationContext& ctx, const std::string& url) = 0;
};

class MessageSigner {
 public:
  virtual ~MessageSigner() = default;
  // Lowercase hex of HMAC-SHA256(key, message).
  virtual std::string hmac_sha256_hex(std::string_view key, std::string_view message) const = 0;
};

}  // namespace brandos::application
