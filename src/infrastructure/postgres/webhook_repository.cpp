#include "infrastructure/postgres/webhook_repository.hpp"

#include "infrastructure/observability/trace_parent.hpp"
#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using application::WebhookDeliveryRecord;
using application::WebhookEndpointRecord;

namespace {

constexpr Query kInsert{"webhooks.insert", R"sql(
INSERT INTO brandos.webhook_endpoints (id, tenant_id, url, events, description, key_id,
                                       wrapped_key, secret, created_at, updated_at)
VALUES ($1, brandos.current_tenant_id(), $2, $3::text[], $4, $5, $6::bytea, $7::bytea, now(),
        now()))sql"};
constexpr Query kGet{"webhooks.get", R"sql(
SELECT id, url, array_to_string(events, ',') AS events, description, key_id, wrapped_key, secret,
       previous_secret,
       to_char(previous_secret_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
         AS previous_secret_expires_at,
       active, disabled_reason, consecutive_failures, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.webhook_endpoints WHERE id = $1 AND deleted_at IS NULL)sql"};
constexpr Query kGetForUpdate{"webhooks.get_for_update", R"sql(
SELECT id, url, array_to_string(events, ',') AS events, description, key_id, wrapped_key, secret,
       previous_secret,
       to_char(previous_secret_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
         AS previous_secret_expires_at,
       active, disabled_reason, consecutive_failures, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.webhook_endpoints WHERE id = $1 AND deleted_at IS NULL FOR UPDATE)sql"};
constexpr Query kList{"webhooks.list", R"sql(
SELECT id, url, array_to_string(events, ',') AS events, description, key_id, wrapped_key, secret,
       previous_secret,
       to_char(previous_secret_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
         AS previous_secret_expires_at,
       active, disabled_reason, consecutive_failures, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.webhook_endpoints
WHERE tenant_id = brandos.current_tenant_id() AND deleted_at IS NULL
  AND ($1::uuid IS NULL OR id < $1::uuid)
ORDER BY id DESC LIMIT $2)sql"};
constexpr Query kActive{"webhooks.active", R"sql(
SELECT id, array_to_string(events, ',') AS events FROM brandos.webhook_endpoints
WHERE tenant_id = brandos.current_tenant_id() AND active AND deleted_at IS NULL)sql"};
constexpr Query kSave{"webhooks.save", R"sql(
UPDATE brandos.webhook_endpoints SET
  url = $2, events = $3::text[], description = $4, secret = $5::bytea,
  previous_secret = $6::bytea,
  previous_secret_expires_at = CASE WHEN $7 THEN now() + interval '24 hours'
                                    ELSE previous_secret_expires_at END,
  active = $8, disabled_reason = $9,
  consecutive_failures = CASE WHEN $10 THEN 0 ELSE consecutive_failures END,
  breaker_open_until = CASE WHEN $10 THEN NULL ELSE breaker_open_until END,
  version = $11, updated_at = now()
WHERE id = $1)sql"};
constexpr Query kRemove{"webhooks.remove", R"sql(
UPDATE brandos.webhook_endpoints SET deleted_at = now(), active = false, updated_at = now()
WHERE id = $1 AND deleted_at IS NULL)sql"};
constexpr Query kAddDeliveries{"webhook_deliveries.insert_many", R"sql(
INSERT INTO brandos.webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type,
                                        payload, next_attempt_at, traceparent)
SELECT r.id, brandos.current_tenant_id(), r.endpoint_id, r.event_id, r.event_type, r.payload,
       now(), r.traceparent
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
     AS r(id, endpoint_id, event_id, event_type, payload, traceparent)
ON CONFLICT (endpoint_id, event_id) DO NOTHING)sql"};

constexpr Query kDeliveries{"webhook_deliveries.list", R"sql(
SELECT id, endpoint_id, event_id, event_type, status, attempts,
       to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS next_attempt_at,
       to_char(last_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_attempt_at,
       last_status_code, last_error, last_latency_ms,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.webhook_deliveries
WHERE tenant_id = brandos.current_tenant_id() AND endpoint_id = $1
  AND ($2::uuid IS NULL OR id < $2::uuid)
ORDER BY id DESC LIMIT $3)sql"};
constexpr Query kRetry{"webhook_deliveries.retry", R"sql(
UPDATE brandos.webhook_deliveries SET status = 'pending', next_attempt_at = now(),
                                      updated_at = now()
WHERE id = $2 AND endpoint_id = $1
RETURNING id, endpoint_id, event_id, event_type, status, attempts,
       to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS next_attempt_at,
       to_char(last_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_attempt_at,
       last_status_code, last_error, last_latency_ms,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at)sql"};

std::vector<std::string> split_events(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<application::Bytes> optional_bytes(const Row& r, std::string_view col) {
  if (r.is_null(col)) return std::nullopt;
  return bytes_of_hex(r.view(col));
}

std::optional<int> optional_int(const Row& r, std::string_view col) {
  if (r.is_null(col)) return std::nullopt;
  return r.int32(col);
}

WebhookEndpointRecord endpoint_of(const Row& r) {
  WebhookEndpointRecord e;
  e.id = r.uuid("id");
  e.url = r.text("url");
  e.events = split_events(r.view("events"));
  e.description = r.optional_text("description");
  e.key = {r.text("key_id"), bytes_of_hex(r.view("wrapped_key"))};
  e.secret = bytes_of_hex(r.view("secret"));
  e.previous_secret = optional_bytes(r, "previous_secret");
  e.previous_secret_expires_at = r.optional_text("previous_secret_expires_at");
  e.active = r.boolean("active");
  e.disabled_reason = r.optional_text("disabled_reason");
  e.consecutive_failures = r.int32("consecutive_failures");
  e.version = r.int32("version");
  e.created_at = r.text("created_at");
  e.updated_at = r.text("updated_at");
  return e;
}

WebhookDeliveryRecord delivery_of(const Row& r) {
  WebhookDeliveryRecord d;
  d.id = r.uuid("id");
  d.endpoint_id = r.uuid("endpoint_id");
  d.event_id = r.uuid("event_id");
  d.event_type = r.text("event_type");
  d.status = r.text("status");
  d.attempts = r.int32("attempts");
  d.next_attempt_at = r.optional_text("next_attempt_at");
  d.last_attempt_at = r.optional_text("last_attempt_at");
  d.last_status_code = optional_int(r, "last_status_code");
  d.last_error = r.optional_text("last_error");
  d.last_latency_ms = optional_int(r, "last_latency_ms");
  d.created_at = r.text("created_at");
  return d;
}

std::optional<std::string> hex(const std::optional<application::Bytes>& b) {
  if (!b) return std::nullopt;
  return bytea_hex(*b);
}

}  // namespace

void WebhookRepository::add(const WebhookEndpointRecord& e) {
  s_.queue(Statement(kInsert, e.id, e.url, text_array(e.events), e.description, e.key.key_id,
                     bytea_hex(e.key.wrapped), bytea_hex(e.secret)));
}

asio::awaitable<Outcome<std::optional<WebhookEndpointRecord>>> WebhookRepository::get(
    const domain::Uuid& id, bool lock) {
  auto r = co_await s_.run(Statement(lock ? kGetForUpdate : kGet, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() == 0) co_return std::optional<WebhookEndpointRecord>{};
  co_return endpoint_of(Row(*r, 0));
}

asio::awaitable<Outcome<std::vector<WebhookEndpointRecord>>> WebhookRepository::list(
    const std::optional<domain::Uuid>& after, int limit) {
  auto r = co_await s_.run(Statement(kList, after, static_cast<std::int64_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, endpoint_of);
}

asio::awaitable<Outcome<std::vector<WebhookEndpointRecord>>> WebhookRepository::active() {
  auto r = co_await s_.run(Statement(kActive));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, [](const Row& row) {
    WebhookEndpointRecord e;
    e.id = row.uuid("id");
    e.events = split_events(row.view("events"));
    return e;
  });
}

void WebhookRepository::save(const WebhookEndpointRecord& e) {
  s_.queue(Statement(kSave, e.id, e.url, text_array(e.events), e.description, bytea_hex(e.secret),
                     hex(e.previous_secret), e.start_rotation_overlap, e.active, e.disabled_reason,
                     e.reset_health, static_cast<std::int32_t>(e.version)));
}

void WebhookRepository::remove(const domain::Uuid& id) {
  s_.queue(Statement(kRemove, id));
}

void WebhookRepository::add_deliveries(
    const std::vector<application::NewWebhookDelivery>& deliveries) {
  if (deliveries.empty()) return;
  std::vector<domain::Uuid> ids, endpoints, events;
  std::vector<std::string> types, payloads;
  std::vector<std::optional<std::string>> traces;
  for (const auto& d : deliveries) {
    // Only a well-formed one is kept (it may have come from the broker's headers); without one
    // the delivery carries the trace named by the event.
    traces.push_back(observability::parse_trace_parent(d.traceparent) ? std::optional(d.traceparent)
                                                                      : std::nullopt);
    ids.push_back(d.id);
    endpoints.push_back(d.endpoint_id);
    events.push_back(d.event_id);
    types.push_back(d.event_type);
    payloads.push_back(d.payload);
  }
  s_.queue(Statement(kAddDeliveries, uuid_array(ids), uuid_array(endpoints), uuid_array(events),
                     text_array(types), text_array(payloads), nullable_text_array(traces)));
}

asio::awaitable<Outcome<std::vector<WebhookDeliveryRecord>>> WebhookRepository::deliveries(
    const domain::Uuid& endpoint, const std::optional<domain::Uuid>& after, int limit) {
  auto r =
      co_await s_.run(Statement(kDeliveries, endpoint, after, static_cast<std::int64_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, delivery_of);
}

asio::awaitable<Outcome<std::optional<WebhookDeliveryRecord>>> WebhookRepository::retry_delivery(
    const domain::Uuid& endpoint, const domain::Uuid& delivery) {
  auto r = co_await s_.run(Statement(kRetry, endpoint, delivery));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() == 0) co_return std::optional<WebhookDeliveryRecord>{};
  co_return delivery_of(Row(*r, 0));
}

}  // namespace brandos::pg
