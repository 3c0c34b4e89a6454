#include "infrastructure/postgres/webhook_delivery_feed.hpp"

#include <stdexcept>

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;

namespace {

constexpr Query kClaim{"webhook_deliveries.claim", R"sql(
SELECT id, tenant_id, endpoint_id, event_id, event_type, payload, attempts,
       (extract(epoch FROM now() - created_at) * 1000)::bigint AS age_ms, url, key_id,
       wrapped_key, secret, previous_secret, consecutive_failures, probe, traceparent
FROM brandos.claim_webhook_deliveries($1, $2, $3, $4, $5))sql"};
constexpr Query kRecord{"webhook_deliveries.record", R"sql(
SELECT brandos.record_webhook_attempt($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  AS disabled_version)sql"};

const application::JobFence& fence_of(const application::OperationContext& ctx) {
  if (!ctx.fence) throw std::logic_error("webhook deliveries need a job's fence");
  return *ctx.fence;
}

std::optional<std::int64_t> ms(const std::optional<std::chrono::milliseconds>& d) {
  if (!d) return std::nullopt;
  return d->count();
}

}  // namespace

asio::awaitable<Outcome<std::vector<application::DueWebhookDelivery>>> WebhookDeliveryFeed::claim(
    const application::OperationContext& ctx, int limit, std::chrono::seconds lease,
    int breaker_after) {
  const auto& fence = fence_of(ctx);
  auto c = co_await pool_.acquire();
  if (!c) co_return std::unexpected(failure_or_throw(c.error()));
  auto r = co_await (*c)->execute(
      Statement(kClaim, static_cast<std::int32_t>(limit), static_cast<std::int32_t>(lease.count()),
                static_cast<std::int32_t>(breaker_after), fence.job, fence.epoch),
      std::min(ctx.deadline, pool_.deadline()));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, [](const Row& row) {
    application::DueWebhookDelivery d;
    d.id = row.uuid("id");
    d.tenant_id = row.uuid("tenant_id");
    d.endpoint_id = row.uuid("endpoint_id");
    d.event_id = row.uuid("event_id");
    d.event_type = row.text("event_type");
    d.payload = row.text("payload");
    d.attempts = row.int32("attempts");
    d.age = std::chrono::milliseconds(row.int64("age_ms"));
    d.url = row.text("url");
    d.key = {row.text("key_id"), bytes_of_hex(row.view("wrapped_key"))};
    d.secret = bytes_of_hex(row.view("secret"));
    if (!row.is_null("previous_secret"))
      d.previous_secret = bytes_of_hex(row.view("previous_secret"));
    d.consecutive_failures = row.int32("consecutive_failures");
    d.probe = row.boolean("probe");
    d.traceparent = row.optional_text("traceparent").value_or("");
    return d;
  });
}

asio::awaitable<Outcome<std::optional<int>>> WebhookDeliveryFeed::record(
    const application::OperationContext& ctx, const application::WebhookAttempt& a) {
  const auto& fence = fence_of(ctx);
  auto c = co_await pool_.acquire();
  if (!c) co_return std::unexpected(failure_or_throw(c.error()));
  Statement s(kRecord);
  s.bind(a.delivery)
      .bind(a.succeeded)
      .bind(a.status_code ? std::optional<std::int32_t>(*a.status_code) : std::nullopt)
      .bind(a.error.empty() ? std::nullopt : std::optional<std::string>(a.error))
      .bind(static_cast<std::int32_t>(std::min<std::int64_t>(a.latency.count(), 1 << 30)))
      .bind(ms(a.retry_in))
      .bind(ms(a.breaker_open))
      .bind(a.disable)
      .bind(a.audit_id)
      .bind(a.event_id)
      .bind(a.request_id)
      .bind(fence.job)
      .bind(fence.epoch);
  auto r = co_await (*c)->execute(s, std::min(ctx.deadline, pool_.deadline()));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  const Row row(*r, 0);
  if (row.is_null("disabled_version")) co_return std::optional<int>{};
  co_return std::optional<int>(row.int32("disabled_version"));
}

}  // namespace brandos::pg
