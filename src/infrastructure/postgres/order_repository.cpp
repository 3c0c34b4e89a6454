#include "infrastructure/postgres/order_repository.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <stdexcept>

#include "infrastructure/postgres/idempotency_store.hpp"
#include "infrastructure/postgres/order_sql.hpp"
#include "infrastructure/postgres/tenant_scope.hpp"
#include "infrastructure/postgres/transaction.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
namespace json = boost::json;
using application::OrderRecord;
using application::Outcome;
namespace failures = application::failures;

using namespace order_sql;

namespace {

// PostgreSQL array literal of plain tokens (uuids, integers).
template <class T, class F>
std::string array_literal(const std::vector<T>& items, F text_of) {
  std::string s = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += ',';
    s += text_of(items[i]);
  }
  return s + "}";
}

// PostgreSQL array literal of arbitrary text: every element quoted, \ and " escaped.
std::string text_array_literal(const std::vector<std::string>& items) {
  std::string s = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += ',';
    s += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  return s + "}";
}

const char* event_type(domain::OrderAction a) {
  switch (a) {
    case domain::OrderAction::cancel:
      return "order.cancelled";
    case domain::OrderAction::fulfill:
      return "order.fulfilled";
    case domain::OrderAction::pay:
      return "order.paid";
    case domain::OrderAction::refund_in_full:
      return "order.refunded";
  }
  return "order.updated";
}

std::string json_string(const std::string& s) {
  return json::serialize(json::value(s));
}

}  // namespace

OrderRecord order_from_json(std::string_view text) {
  const json::value v = json::parse(text);
  const auto& o = v.as_object();
  OrderRecord r;
  r.id = *domain::Uuid::parse(std::string(o.at("id").as_string()));
  r.status = o.at("status").as_string();
  if (!o.at("customer_id").is_null())
    r.customer_id = domain::Uuid::parse(std::string(o.at("customer_id").as_string()));
  for (const auto& i : o.at("items").as_array()) {
    const auto& item = i.as_object();
    r.items.push_back({*domain::Uuid::parse(std::string(item.at("product_id").as_string())),
                       std::string(item.at("sku").as_string()),
                       std::string(item.at("name").as_string()),
                       item.at("quantity").to_number<std::int64_t>(),
                       item.at("unit_price").to_number<std::int64_t>(),
                       item.at("line_total").to_number<std::int64_t>()});
  }
  r.total = o.at("total").to_number<std::int64_t>();
  r.currency = o.at("currency").as_string();
  r.paid_amount = o.at("paid_amount").to_number<std::int64_t>();
  r.refunded_amount = o.at("refunded_amount").to_number<std::int64_t>();
  r.version = o.at("version").to_number<int>();
  r.created_at = o.at("created_at").as_string();
  r.updated_at = o.at("updated_at").as_string();
  return r;
}

asio::awaitable<Outcome<OrderRecord>> OrderRepository::place(
    const domain::Uuid& tenant, const application::NewOrder& order,
    const application::IdempotencyScope* scope, const application::RenderOrder& render) {
  auto tx = co_await Transaction::begin(pool_);
  if (!tx) co_return std::unexpected(unexpected_failure(tx.error()));
  const std::string ids =
      array_literal(order.items, [](const auto& i) { return i.product_id.to_string(); });
  auto read = batch_of(Statement(kSetTenant, tenant.to_string()), Statement(kNow),
                       Statement(kLockProducts, tenant, ids));
  if (order.customer_id) read.emplace_back(kCustomerExists, tenant, *order.customer_id);
  auto locked = co_await tx->pipeline(read);
  if (!locked) co_return std::unexpected(unexpected_failure(locked.error()));
  const std::string now((*locked)[1].text(0, 0));
  const Result& rows = (*locked)[2];
  std::map<domain::Uuid, int> row_of;
  for (int i = 0; i < rows.rows(); ++i) row_of[uuid_at(rows, i, 0)] = i;

  // Check every item against its locked product.
  OrderRecord placed;
  placed.id = order.id;
  placed.status = "pending_payment";
  placed.customer_id = order.customer_id;
  placed.created_at = placed.updated_at = now;
  std::vector<application::FieldIssue> issues;
  // A customer of this tenant (foreign keys alone would accept another tenant's customer).
  if (order.customer_id && (*locked)[3].int64(0, 0) == 0)
    issues.push_back({"customer_id", "is not a customer of this brand"});
  for (std::size_t k = 0; k < order.items.size(); ++k) {
    const auto& item = order.items[k];
    const std::string field = "items[" + std::to_string(k) + "].product_id";
    auto it = row_of.find(item.product_id);
    if (it == row_of.end()) {
      issues.push_back({field, "is not a product of this brand (unknown or deleted)"});
      continue;
    }
    const int r = it->second;
    const std::string currency(rows.text(r, 4));
    if (placed.currency.empty()) placed.currency = currency;
    if (currency != placed.currency)
      issues.push_back({field, "is priced in another currency than the other items"});
    const auto line = domain::line_total(item.quantity, rows.int64(r, 3));
    std::int64_t total = 0;
    if (!line || __builtin_add_overflow(placed.total, *line, &total)) {
      issues.push_back({field, "makes the total too large"});
      continue;
    }
    placed.total = total;
    placed.items.push_back({item.product_id, std::string(rows.text(r, 1)),
                            std::string(rows.text(r, 2)), item.quantity, rows.int64(r, 3), *line});
  }
  if (!issues.empty()) {
    co_await tx->rollback();
    co_return std::unexpected(failures::validation(std::move(issues)));
  }
  for (const auto& line : placed.items) {
    const int r = row_of[line.product_id];
    if (rows.int64(r, 5) < line.quantity) {
      co_await tx->rollback();
      co_return std::unexpected(failures::conflict(
          "insufficient-stock", "Not enough stock for product " + line.product_id.to_string() +
                                    " (" + line.sku + "): " + std::to_string(rows.int64(r, 5)) +
                                    " left, " + std::to_string(line.quantity) + " ordered."));
    }
  }

  std::vector<std::string> skus, names;
  for (const auto& l : placed.items) {
    skus.push_back(l.sku);
    names.push_back(l.name);
  }
  const std::string quantities =
      array_literal(placed.items, [](const auto& l) { return std::to_string(l.quantity); });
  const std::string prices =
      array_literal(placed.items, [](const auto& l) { return std::to_string(l.unit_price); });
  const std::string line_ids =
      array_literal(placed.items, [](const auto& l) { return l.product_id.to_string(); });
  std::vector<Statement> write;
  write.emplace_back(kReserve, tenant, line_ids, quantities);
  write.emplace_back(kInsertOrder, order.id, tenant, order.customer_id, placed.total,
                     placed.currency, order.created_by);
  write.emplace_back(kInsertItems, tenant, order.id, line_ids, text_array_literal(skus),
                     text_array_literal(names), quantities, prices);
  write.emplace_back(kInsertHistory, order.history_event_id, tenant, order.id,
                     std::string("order.created"), order.created_by.to_string(),
                     Jsonb{"{\"total\":" + std::to_string(placed.total) +
                           ",\"currency\":" + json_string(placed.currency) + "}"});
  // The event's data is the order exactly as the response shows it: rendered once, used twice.
  const application::StoredResponse response = render(placed);
  write.emplace_back(kInsertCreatedOutbox, order.outbox_event_id, tenant, order.id,
                     Jsonb{response.body});
  if (scope) write.push_back(IdempotencyStore::mark_done(*scope, response));
  auto written = co_await tx->pipeline(write);
  if (!written) co_return std::unexpected(unexpected_failure(written.error()));
  auto committed = co_await tx->commit();
  if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
  co_return placed;
}

asio::awaitable<Outcome<std::optional<OrderRecord>>> OrderRepository::get(
    const domain::Uuid& tenant, const domain::Uuid& id) {
  auto r = co_await in_tenant(pool_, tenant, batch_of(Statement(kSelectOrder, tenant, id)));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[0].rows() != 1) co_return std::optional<OrderRecord>{};
  co_return order_from_json((*r)[0].text(0, 0));
}

asio::awaitable<Outcome<std::vector<OrderRecord>>> OrderRepository::list(
    const domain::Uuid& tenant, const application::OrderFilter& f) {
  auto r = co_await in_tenant(
      pool_, tenant,
      batch_of(Statement(kListOrders, tenant, f.status, f.customer_id, f.created_from, f.created_to,
                         f.after, static_cast<std::int64_t>(f.limit))));
  if (!r) {
    if (r.error().kind == ErrorKind::data_exception)  // a timestamp PostgreSQL cannot read
      co_return std::unexpected(
          failures::validation({{"created_from", "must be RFC 3339 timestamps"}}));
    co_return std::unexpected(unexpected_failure(r.error()));
  }
  std::vector<OrderRecord> out;
  for (int i = 0; i < (*r)[0].rows(); ++i) out.push_back(order_from_json((*r)[0].text(i, 0)));
  co_return out;
}

asio::awaitable<Outcome<std::optional<OrderRecord>>> OrderRepository::transition(
    const domain::Uuid& tenant, const domain::Uuid& id, domain::OrderAction action,
    const std::string& actor, const std::string& reason, const domain::Uuid& history_event_id,
    const domain::Uuid& outbox_event_id) {
  auto tx = co_await Transaction::begin(pool_);
  if (!tx) co_return std::unexpected(unexpected_failure(tx.error()));
  auto lock =
      batch_of(Statement(kSetTenant, tenant.to_string()), Statement(kLockOrder, tenant, id));
  auto current = co_await tx->pipeline(lock);
  if (!current) co_return std::unexpected(unexpected_failure(current.error()));
  if ((*current)[1].rows() != 1) {
    co_await tx->rollback();
    co_return std::optional<OrderRecord>{};
  }
  const auto from = domain::parse_order_status((*current)[1].text(0, 0));
  const auto to = from ? domain::next_status(*from, action) : std::nullopt;
  if (!to) {
    co_await tx->rollback();
    co_return std::unexpected(failures::conflict(
        "invalid-state-transition",
        std::string("An order that is ") + std::string((*current)[1].text(0, 0)) + " cannot be " +
            (action == domain::OrderAction::cancel ? "cancelled." : "fulfilled.")));
  }
  const std::string type = event_type(action);
  std::vector<Statement> write;
  write.emplace_back(kSetStatus, tenant, id, std::string(domain::to_string(*to)));
  if (domain::releases_stock(*from, action)) write.emplace_back(kReleaseStock, tenant, id);
  write.emplace_back(
      kInsertHistory, history_event_id, tenant, id, type, actor,
      Jsonb{reason.empty() ? std::string("{}") : "{\"reason\":" + json_string(reason) + "}"});
  write.emplace_back(kInsertOutbox, outbox_event_id, type, tenant, id);
  write.emplace_back(kSelectOrder, tenant, id);
  auto written = co_await tx->pipeline(write);
  if (!written) co_return std::unexpected(unexpected_failure(written.error()));
  auto committed = co_await tx->commit();
  if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
  co_return order_from_json(written->back().text(0, 0));
}

asio::awaitable<Outcome<std::optional<std::vector<application::OrderEventRecord>>>>
OrderRepository::history(const domain::Uuid& tenant, const domain::Uuid& id) {
  auto r = co_await in_tenant(
      pool_, tenant,
      batch_of(Statement(kOrderExists, tenant, id), Statement(kHistory, tenant, id)));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[0].rows() != 1) co_return std::optional<std::vector<application::OrderEventRecord>>{};
  std::vector<application::OrderEventRecord> out;
  const Result& rows = (*r)[1];
  for (int i = 0; i < rows.rows(); ++i)
    out.push_back({uuid_at(rows, i, 0), std::string(rows.text(i, 1)), std::string(rows.text(i, 2)),
                   std::string(rows.text(i, 3)), std::string(rows.text(i, 4))});
  co_return out;
}

}  // namespace brandos::pg
