#include "infrastructure/postgres/outbox_feed.hpp"

#include <stdexcept>

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;

namespace {

constexpr Query kUnpublished{"outbox.unpublished", R"sql(
SELECT id, tenant_id, type, aggregate_id, aggregate_version, envelope,
       envelope::json ->> 'occurred_at' AS occurred_at, traceparent
FROM brandos.unpublished_events($1))sql"};
constexpr Query kMarkPublished{"outbox.mark_published",
                               "SELECT brandos.mark_events_published($1, $2, $3) AS marked"};
constexpr Query kPrune{"outbox.prune", R"sql(
SELECT brandos.prune_published_events(make_interval(secs => $1), $2, $3, $4) AS pruned)sql"};
constexpr Query kReapInbox{"inbox.reap", R"sql(
SELECT brandos.reap_inbox(make_interval(secs => $1), $2, $3, $4) AS reaped)sql"};

const application::JobFence& fence_of(const application::OperationContext& ctx) {
  if (!ctx.fence) throw std::logic_error("outbox writes need a job's fence");
  return *ctx.fence;
}

}  // namespace

asio::awaitable<Expected<Result>> OutboxFeed::run(const application::OperationContext& ctx,
                                                  const Statement& statement) {
  auto c = co_await pool_.acquire();
  if (!c) co_return std::unexpected(std::move(c.error()));
  co_return co_await (*c)->execute(statement, std::min(ctx.deadline, pool_.deadline()));
}

asio::awaitable<Outcome<std::vector<application::PublishedEvent>>> OutboxFeed::unpublished(
    const application::OperationContext& ctx, int limit) {
  auto r = co_await run(ctx, Statement(kUnpublished, static_cast<std::int32_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, [](const Row& row) {
    application::PublishedEvent e;
    e.id = row.uuid("id");
    e.tenant_id = row.uuid("tenant_id");
    e.type = row.text("type");
    e.aggregate_id = row.uuid("aggregate_id");
    e.aggregate_version = static_cast<int>(row.int64("aggregate_version"));
    e.envelope_json = row.text("envelope");
    e.occurred_at = row.text("occurred_at");
    e.traceparent = row.optional_text("traceparent").value_or("");
    return e;
  });
}

asio::awaitable<Outcome<std::int64_t>> OutboxFeed::mark_published(
    const application::OperationContext& ctx, const std::vector<domain::Uuid>& ids) {
  const auto& fence = fence_of(ctx);
  auto r = co_await run(ctx, Statement(kMarkPublished, uuid_array(ids), fence.job, fence.epoch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return Row(*r, 0).int64("marked");
}

asio::awaitable<Outcome<std::int64_t>> OutboxFeed::prune_published(
    const application::OperationContext& ctx, std::chrono::seconds older_than, int limit) {
  const auto& fence = fence_of(ctx);
  auto r = co_await run(ctx, Statement(kPrune, static_cast<std::int64_t>(older_than.count()),
                                       static_cast<std::int32_t>(limit), fence.job, fence.epoch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return Row(*r, 0).int64("pruned");
}

asio::awaitable<Outcome<std::int64_t>> OutboxFeed::reap_inbox(
    const application::OperationContext& ctx, std::chrono::seconds older_than, int limit) {
  const auto& fence = fence_of(ctx);
  auto r = co_await run(ctx, Statement(kReapInbox, static_cast<std::int64_t>(older_than.count()),
                                       static_cast<std::int32_t>(limit), fence.job, fence.epoch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return Row(*r, 0).int64("reaped");
}

}  // namespace brandos::pg
