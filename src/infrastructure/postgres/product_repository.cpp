#include "infrastructure/postgres/product_repository.hpp"

#include "infrastructure/postgres/tenant_scope.hpp"
#include "infrastructure/postgres/transaction.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using application::ProductRecord;
namespace failures = application::failures;

namespace {

#define PRODUCT_COLUMNS(t)                                                                 \
  t "id, " t "sku, " t "name, " t "description, " t "price, " t "currency, " t "stock, " t \
    "version, " BRANDOS_SQL_TS(t "created_at") ", " BRANDOS_SQL_TS(t "updated_at")

// The event's data: the product as the API shows it.
#define PRODUCT_JSON(t)                                                                     \
  "jsonb_build_object('id', " t "id, 'sku', " t "sku, 'name', " t "name, 'description', " t \
  "description, 'price', " t "price, 'currency', " t "currency, 'stock', " t                \
  "stock, "                                                                                 \
  "'version', " t "version)"

#define OUTBOX_INSERT(event_param, type, t)                                                    \
  "INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, "     \
  "aggregate_version, data) SELECT " event_param ", " t "tenant_id, '" type "', 'product', " t \
  "id, " t "version, " PRODUCT_JSON(t)

constexpr const char* kInsert =
    "WITH p AS (INSERT INTO brandos.products (id, tenant_id, sku, name, description, price, "
    "currency, stock) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *), "
    "e AS (" OUTBOX_INSERT("$9::uuid", "product.created", "p.") " FROM p) "
    "SELECT " PRODUCT_COLUMNS("p.") " FROM p";

constexpr const char* kSelect =
    "SELECT " PRODUCT_COLUMNS("") " FROM brandos.products "
    "WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL";

constexpr const char* kList =
    "SELECT " PRODUCT_COLUMNS("") " FROM brandos.products "
    "WHERE tenant_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR sku = $2::text) "
    "AND ($3::uuid IS NULL OR id < $3::uuid) ORDER BY id DESC LIMIT $4";

constexpr const char* kLockVersion =
    "SELECT version FROM brandos.products "
    "WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE";

constexpr const char* kUpdate =
    "WITH p AS (UPDATE brandos.products SET name = coalesce($3, name), "
    "description = CASE WHEN $4::boolean THEN $5 ELSE description END, "
    "price = coalesce($6, price), version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING *), "
    "e AS (" OUTBOX_INSERT("$7::uuid", "product.updated", "p.") " FROM p) "
    "SELECT " PRODUCT_COLUMNS("p.") " FROM p";

constexpr const char* kDelete =
    "WITH p AS (UPDATE brandos.products SET deleted_at = now(), version = version + 1, "
    "updated_at = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING *), "
    "e AS (" OUTBOX_INSERT("$3::uuid", "product.deleted", "p.") " FROM p) "
    "SELECT id FROM p";

// The conditional UPDATE re-checks the stock on the locked, current row, so concurrent
// adjustments serialise on the row and the stock never goes below zero.
constexpr const char* kAdjust =
    "WITH cur AS (SELECT id FROM brandos.products "
    "  WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL), "
    "p AS (UPDATE brandos.products SET stock = stock + $3, version = version + 1, "
    "  updated_at = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL "
    "  AND stock + $3 >= 0 RETURNING *), "
    "e AS (INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, "
    "  aggregate_version, data) SELECT $5::uuid, p.tenant_id, 'inventory.adjusted', 'product', "
    "  p.id, p.version, jsonb_build_object('product_id', p.id, 'sku', p.sku, 'delta', $3::bigint, "
    "  'reason', $4::text, 'stock', p.stock) FROM p) "
    "SELECT (SELECT count(*) FROM cur), " PRODUCT_COLUMNS("p.") " FROM (SELECT 1) one "
    "LEFT JOIN p ON true";

ProductRecord product_at(const Result& r, int row, int offset = 0) {
  ProductRecord p;
  p.id = uuid_at(r, row, offset + 0);
  p.sku = r.text(row, offset + 1);
  p.name = r.text(row, offset + 2);
  if (!r.is_null(row, offset + 3)) p.description = std::string(r.text(row, offset + 3));
  p.price = r.int64(row, offset + 4);
  p.currency = r.text(row, offset + 5);
  p.stock = r.int64(row, offset + 6);
  p.version = r.int32(row, offset + 7);
  p.created_at = r.text(row, offset + 8);
  p.updated_at = r.text(row, offset + 9);
  return p;
}

}  // namespace

asio::awaitable<Outcome<ProductRecord>> ProductRepository::create(const domain::Uuid& tenant,
                                                                  const application::NewProduct& p,
                                                                  const domain::Uuid& event_id) {
  auto batch = batch_of(Statement(kInsert, p.id, tenant, p.sku, p.name, p.description, p.price,
                                  p.currency, p.stock, event_id));
  auto r = co_await in_tenant(pool_, tenant, std::move(batch));
  if (!r) {
    if (r.error().kind == ErrorKind::unique_violation &&
        r.error().constraint == "products_sku_per_tenant")
      co_return std::unexpected(
          failures::conflict("sku-taken", "A product with this SKU already exists."));
    co_return std::unexpected(unexpected_failure(r.error()));
  }
  co_return product_at((*r)[0], 0);
}

asio::awaitable<Outcome<std::optional<ProductRecord>>> ProductRepository::get(
    const domain::Uuid& tenant, const domain::Uuid& id) {
  auto batch = batch_of(Statement(kSelect, tenant, id));
  auto r = co_await in_tenant(pool_, tenant, std::move(batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[0].rows() != 1) co_return std::optional<ProductRecord>{};
  co_return product_at((*r)[0], 0);
}

asio::awaitable<Outcome<std::vector<ProductRecord>>> ProductRepository::list(
    const domain::Uuid& tenant, const std::optional<std::string>& sku,
    const std::optional<domain::Uuid>& after, int limit) {
  auto batch = batch_of(Statement(kList, tenant, sku, after, static_cast<std::int64_t>(limit)));
  auto r = co_await in_tenant(pool_, tenant, std::move(batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  std::vector<ProductRecord> out;
  for (int i = 0; i < (*r)[0].rows(); ++i) out.push_back(product_at((*r)[0], i));
  co_return out;
}

asio::awaitable<Outcome<std::optional<ProductRecord>>> ProductRepository::update(
    const domain::Uuid& tenant, const domain::Uuid& id, const application::ProductChanges& c,
    std::optional<int> expected_version, const domain::Uuid& event_id) {
  auto tx = co_await Transaction::begin(pool_);
  if (!tx) co_return std::unexpected(unexpected_failure(tx.error()));
  auto lock =
      batch_of(Statement(kSetTenant, tenant.to_string()), Statement(kLockVersion, tenant, id));
  auto current = co_await tx->pipeline(lock);
  if (!current) co_return std::unexpected(unexpected_failure(current.error()));
  if ((*current)[1].rows() != 1) {
    co_await tx->rollback();
    co_return std::optional<ProductRecord>{};
  }
  if (expected_version && (*current)[1].int32(0, 0) != *expected_version) {
    co_await tx->rollback();
    co_return std::unexpected(failures::precondition_failed());
  }
  auto change = batch_of(
      Statement(kUpdate, tenant, id, c.name, c.set_description, c.description, c.price, event_id));
  auto updated = co_await tx->pipeline(change);
  if (!updated) co_return std::unexpected(unexpected_failure(updated.error()));
  auto committed = co_await tx->commit();
  if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
  co_return product_at((*updated)[0], 0);
}

asio::awaitable<Outcome<bool>> ProductRepository::remove(const domain::Uuid& tenant,
                                                         const domain::Uuid& id,
                                                         const domain::Uuid& event_id) {
  auto batch = batch_of(Statement(kDelete, tenant, id, event_id));
  auto r = co_await in_tenant(pool_, tenant, std::move(batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  co_return (*r)[0].rows() == 1;
}

asio::awaitable<Outcome<std::optional<ProductRecord>>> ProductRepository::adjust_stock(
    const domain::Uuid& tenant, const domain::Uuid& id, std::int64_t delta,
    const std::string& reason, const domain::Uuid& event_id) {
  auto batch = batch_of(Statement(kAdjust, tenant, id, delta, reason, event_id));
  auto r = co_await in_tenant(pool_, tenant, std::move(batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  const Result& row = (*r)[0];
  if (row.int64(0, 0) == 0) co_return std::optional<ProductRecord>{};
  if (row.is_null(0, 1))
    co_return std::unexpected(
        failures::conflict("insufficient-stock", "Not enough stock for this adjustment."));
  co_return product_at(row, 0, 1);
}

}  // namespace brandos::pg
