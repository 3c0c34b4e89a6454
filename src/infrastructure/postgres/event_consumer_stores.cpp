#include "infrastructure/postgres/event_consumer_stores.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;

namespace {

// ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to finish, so two
// deliveries of one event cannot both see it as new.
constexpr Query kAcceptInbox{"inbox.accept", R"sql(
INSERT INTO brandos.inbox (consumer, event_id, tenant_id)
SELECT $1, e, brandos.current_tenant_id() FROM unnest($2::uuid[]) AS e
ON CONFLICT (consumer, event_id) DO NOTHING
RETURNING event_id)sql"};

// The order is read from each envelope's data (the order resource). Hours are UTC hours.
constexpr Query kApplySales{"sales.apply", R"sql(
WITH c AS (
  SELECT (r.envelope::jsonb) -> 'data' AS d, r.orders
  FROM unnest($1::text[], $2::integer[]) AS r(envelope, orders)
)
INSERT INTO brandos.sales_by_hour AS s (tenant_id, bucket_start, currency, orders, revenue)
SELECT brandos.current_tenant_id(),
       date_trunc('hour', (d ->> 'created_at')::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
       d ->> 'currency', sum(orders), sum(orders * (d ->> 'total')::bigint)
FROM c GROUP BY 2, 3
ON CONFLICT (tenant_id, bucket_start, currency) DO UPDATE
  SET orders = s.orders + excluded.orders, revenue = s.revenue + excluded.revenue)sql"};

constexpr Query kSalesAsOf{"sales.as_of", R"sql(
INSERT INTO brandos.sales_as_of AS a (tenant_id, as_of)
SELECT brandos.current_tenant_id(), max(((e::jsonb) ->> 'occurred_at')::timestamptz)
FROM unnest($1::text[]) AS e
ON CONFLICT (tenant_id) DO UPDATE SET as_of = greatest(a.as_of, excluded.as_of))sql"};

constexpr Query kSalesReport{"sales.report", R"sql(
WITH b AS (
  SELECT CASE WHEN $3 = 'day'
              THEN date_trunc('day', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
              ELSE bucket_start END AS bucket_start,
         currency, orders, revenue
  FROM brandos.sales_by_hour
  WHERE tenant_id = brandos.current_tenant_id()
    AND bucket_start >= to_timestamp($1::bigint / 1e6) AND bucket_start < to_timestamp($2::bigint / 1e6)
)
SELECT to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bucket_start,
       currency, sum(orders)::bigint AS orders, sum(revenue)::bigint AS revenue
FROM b GROUP BY b.bucket_start, currency
HAVING sum(orders) <> 0 OR sum(revenue) <> 0
ORDER BY b.bucket_start, currency)sql"};

constexpr Query kSalesFreshness{"sales.freshness", R"sql(
SELECT to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS as_of
FROM brandos.sales_as_of WHERE tenant_id = brandos.current_tenant_id())sql"};

}  // namespace

asio::awaitable<Outcome<std::vector<domain::Uuid>>> Inbox::accept(
    const std::string& consumer, const std::vector<domain::Uuid>& events) {
  auto r = co_await s_.run(Statement(kAcceptInbox, consumer, uuid_array(events)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, [](const Row& row) { return row.uuid("event_id"); });
}

void SalesReadModel::apply(const std::vector<application::SaleChange>& changes) {
  if (changes.empty()) return;
  std::vector<std::string> envelopes;
  std::vector<std::int64_t> orders;
  for (const auto& c : changes) {
    envelopes.push_back(c.event_envelope_json);
    orders.push_back(c.orders);
  }
  const auto envelope_array = text_array(envelopes);
  s_.queue(Statement(kApplySales, envelope_array, int64_array(orders)));
  s_.queue(Statement(kSalesAsOf, envelope_array));
}

asio::awaitable<Outcome<application::SalesReport>> SalesReadModel::report(
    std::int64_t from_us, std::int64_t to_us, application::SalesGranularity granularity) {
  std::vector<Statement> batch;
  batch.emplace_back(
      kSalesReport, from_us, to_us,
      std::string(granularity == application::SalesGranularity::day ? "day" : "hour"));
  batch.emplace_back(kSalesFreshness);
  auto r = co_await s_.run(std::move(batch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  application::SalesReport report;
  report.buckets = map_rows((*r)[0], [](const Row& row) {
    return application::SalesBucket{row.text("bucket_start"), row.int64("orders"),
                                    row.int64("revenue"), row.text("currency")};
  });
  if ((*r)[1].rows() == 1) report.as_of = Row((*r)[1], 0).text("as_of");
  co_return report;
}

}  // namespace brandos::pg
