#include "infrastructure/postgres/product_repository.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/product_sql.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using application::ProductRecord;
using namespace product_sql;

namespace {

ProductRecord product_of(const Row& r) {
  ProductRecord p;
  p.id = r.uuid("id");
  p.sku = r.text("sku");
  p.name = r.text("name");
  p.description = r.optional_text("description");
  p.price = r.int64("price");
  p.currency = r.text("currency");
  p.stock = r.int64("stock");
  p.version = r.int32("version");
  p.created_at = r.text("created_at");
  p.updated_at = r.text("updated_at");
  return p;
}

}  // namespace

void ProductRepository::add(const ProductRecord& p) {
  s_.queue(Statement(kInsert, p.id, tenant_, p.sku, p.name, p.description, p.price, p.currency,
                     p.stock));
}

asio::awaitable<Outcome<std::optional<ProductRecord>>> ProductRepository::get(
    const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kSelect, tenant_, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<ProductRecord>{};
  co_return product_of(Row(*r, 0));
}

asio::awaitable<Outcome<std::vector<ProductRecord>>> ProductRepository::list(
    const std::optional<std::string>& sku, const std::optional<domain::Uuid>& after, int limit) {
  auto r = co_await s_.run(Statement(kList, tenant_, sku, after, static_cast<std::int64_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, product_of);
}

asio::awaitable<Outcome<std::optional<ProductRecord>>> ProductRepository::lock(
    const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kLock, tenant_, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<ProductRecord>{};
  co_return product_of(Row(*r, 0));
}

void ProductRepository::save(const ProductRecord& p) {
  s_.queue(Statement(kSave, tenant_, p.id, p.name, p.description, p.price, p.stock,
                     static_cast<std::int32_t>(p.version)));
}

void ProductRepository::remove(const domain::Uuid& id, int version) {
  s_.queue(Statement(kRemove, tenant_, id, static_cast<std::int32_t>(version)));
}

void ProductRepository::reserve(const std::vector<application::StockChange>& changes) {
  std::vector<domain::Uuid> ids;
  std::vector<std::int64_t> quantities;
  for (const auto& c : changes) {
    ids.push_back(c.product_id);
    quantities.push_back(c.quantity);
  }
  s_.queue(Statement(kReserve, tenant_, uuid_array(ids), int64_array(quantities)));
}

void ProductRepository::release_order_stock(const domain::Uuid& order_id) {
  s_.queue(Statement(kLockOrderProducts, tenant_, order_id));
  s_.queue(Statement(kReleaseOrderStock, tenant_, order_id));
}

}  // namespace brandos::pg
