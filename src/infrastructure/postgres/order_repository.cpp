#include "infrastructure/postgres/order_repository.hpp"

#include <algorithm>

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/order_sql.hpp"
#include "infrastructure/postgres/product_sql.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::OrderRecord;
using application::Outcome;
using namespace order_sql;

namespace {

// Rows of orders.get / orders.lock / orders.list: one per item, an order's rows adjacent.
std::vector<OrderRecord> orders_of(const Result& r) {
  std::vector<OrderRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    const Row row(r, i);
    const domain::Uuid id = row.uuid("id");
    if (out.empty() || out.back().id != id) {
      OrderRecord o;
      o.id = id;
      o.status = row.text("status");
      o.customer_id = row.optional_uuid("customer_id");
      o.total = row.int64("total");
      o.currency = row.text("currency");
      o.paid_amount = row.int64("paid_amount");
      o.refunded_amount = row.int64("refunded_amount");
      o.version = row.int32("version");
      o.created_at = row.text("created_at");
      o.updated_at = row.text("updated_at");
      out.push_back(std::move(o));
    }
    if (!row.is_null("product_id"))
      out.back().items.push_back({row.uuid("product_id"), row.text("sku"), row.text("item_name"),
                                  row.int64("quantity"), row.int64("unit_price"),
                                  row.int64("line_total")});
  }
  return out;
}

}  // namespace

asio::awaitable<Outcome<application::PlacementInputs>> OrderRepository::lock_for_placement(
    const std::vector<domain::Uuid>& product_ids, const std::vector<domain::Uuid>& customer_ids) {
  std::vector<Statement> batch;
  batch.emplace_back(product_sql::kLockForOrder, tenant_, uuid_array(product_ids));
  if (!customer_ids.empty()) batch.emplace_back(kLiveCustomers, tenant_, uuid_array(customer_ids));
  auto r = co_await s_.run(std::move(batch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  application::PlacementInputs in;
  in.products = map_rows((*r)[0], [](const Row& row) {
    return domain::StockedProduct{row.uuid("id"),     row.text("sku"),      row.text("name"),
                                  row.int64("price"), row.text("currency"), row.int64("stock")};
  });
  if (!customer_ids.empty()) {
    in.live_customers = map_rows((*r)[1], [](const Row& row) { return row.uuid("id"); });
    std::sort(in.live_customers.begin(), in.live_customers.end());  // as the caller searches it
  }
  co_return in;
}

void OrderRepository::add(const std::vector<application::NewOrder>& orders) {
  std::vector<domain::Uuid> ids, created_by;
  std::vector<std::optional<domain::Uuid>> customers;
  std::vector<std::int64_t> totals;
  std::vector<std::string> currencies;
  std::vector<domain::Uuid> item_orders, products;
  std::vector<std::int64_t> positions, quantities, prices;
  std::vector<std::string> skus, names;
  for (const auto& [o, by] : orders) {
    ids.push_back(o.id);
    customers.push_back(o.customer_id);
    totals.push_back(o.total);
    currencies.push_back(o.currency);
    created_by.push_back(by);
    std::int64_t position = 0;
    for (const auto& l : o.items) {
      item_orders.push_back(o.id);
      positions.push_back(++position);
      products.push_back(l.product_id);
      skus.push_back(l.sku);
      names.push_back(l.name);
      quantities.push_back(l.quantity);
      prices.push_back(l.unit_price);
    }
  }
  s_.queue(Statement(kInsertOrders, tenant_, uuid_array(ids), nullable_uuid_array(customers),
                     int64_array(totals), text_array(currencies), uuid_array(created_by)));
  s_.queue(Statement(kInsertItems, tenant_, uuid_array(item_orders), int64_array(positions),
                     uuid_array(products), text_array(skus), text_array(names),
                     int64_array(quantities), int64_array(prices)));
}

asio::awaitable<Outcome<std::optional<OrderRecord>>> OrderRepository::one(Statement statement) {
  auto r = co_await s_.run(std::move(statement));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  auto orders = orders_of(*r);
  if (orders.empty()) co_return std::optional<OrderRecord>{};
  co_return std::move(orders.front());
}

asio::awaitable<Outcome<std::optional<OrderRecord>>> OrderRepository::get(const domain::Uuid& id) {
  co_return co_await one(Statement(kSelectOrder, tenant_, id));
}

asio::awaitable<Outcome<std::optional<OrderRecord>>> OrderRepository::lock(const domain::Uuid& id) {
  co_return co_await one(Statement(kLockOrder, tenant_, id));
}

asio::awaitable<Outcome<std::vector<OrderRecord>>> OrderRepository::list(
    const application::OrderFilter& f) {
  auto r = co_await s_.run(Statement(kListOrders, tenant_, f.status, f.customer_id, f.created_from,
                                     f.created_to, f.after, static_cast<std::int64_t>(f.limit)));
  if (!r) {
    if (r.error().kind == ErrorKind::data_exception)  // a timestamp PostgreSQL cannot read
      co_return std::unexpected(
          application::failures::validation({{"created_from", "must be RFC 3339 timestamps"}}));
    co_return std::unexpected(failure_or_throw(r.error()));
  }
  co_return orders_of(*r);
}

void OrderRepository::save_status(const OrderRecord& o) {
  s_.queue(Statement(kSaveStatus, tenant_, o.id, o.status, static_cast<std::int32_t>(o.version)));
}

void OrderRepository::save_amounts(const OrderRecord& o) {
  s_.queue(Statement(kSaveAmounts, tenant_, o.id, o.status, static_cast<std::int32_t>(o.version),
                     o.paid_amount, o.refunded_amount));
}

void OrderRepository::add_history(const std::vector<application::OrderHistoryEntry>& entries) {
  std::vector<domain::Uuid> ids, orders;
  std::vector<std::string> types, actors, data;
  for (const auto& [order_id, e] : entries) {
    ids.push_back(e.id);
    orders.push_back(order_id);
    types.push_back(e.type);
    actors.push_back(e.actor);
    data.push_back(e.data_json);
  }
  s_.queue(Statement(kInsertHistory, tenant_, uuid_array(ids), uuid_array(orders),
                     text_array(types), text_array(actors), text_array(data)));
}

asio::awaitable<Outcome<std::optional<std::vector<application::OrderEventRecord>>>>
OrderRepository::history(const domain::Uuid& id) {
  std::vector<Statement> batch;
  batch.emplace_back(kOrderExists, tenant_, id);
  batch.emplace_back(kHistory, tenant_, id);
  auto r = co_await s_.run(std::move(batch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if ((*r)[0].rows() != 1) co_return std::optional<std::vector<application::OrderEventRecord>>{};
  co_return map_rows((*r)[1], [](const Row& row) {
    return application::OrderEventRecord{row.uuid("id"), row.text("type"), row.text("occurred_at"),
                                         row.text("actor"), row.text("data")};
  });
}

}  // namespace brandos::pg
