#include "infrastructure/postgres/customer_repository.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using application::SealedCustomer;

namespace {

constexpr Query kInsert{"customers.insert", R"sql(
INSERT INTO brandos.customers (id, tenant_id, email_index, email, name, phone, address)
VALUES ($1, $2, $3::bytea, $4::bytea, $5::bytea, $6::bytea, $7::bytea))sql"};
constexpr Query kInsertKey{"customer_keys.insert", R"sql(
INSERT INTO brandos.customer_keys (customer_id, tenant_id, key_id, wrapped_key)
VALUES ($1, $2, $3, $4::bytea))sql"};

constexpr Query kSelect{"customers.get", R"sql(
SELECT c.id, k.key_id, k.wrapped_key, c.email_index, c.email, c.name, c.phone, c.address,
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.customers c JOIN brandos.customer_keys k ON k.customer_id = c.id
WHERE c.tenant_id = $1 AND c.id = $2 AND c.erased_at IS NULL)sql"};

constexpr Query kList{"customers.list", R"sql(
SELECT c.id, k.key_id, k.wrapped_key, c.email_index, c.email, c.name, c.phone, c.address,
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.customers c JOIN brandos.customer_keys k ON k.customer_id = c.id
WHERE c.tenant_id = $1 AND c.erased_at IS NULL
  AND ($2::bytea IS NULL OR c.email_index = $2::bytea)
  AND ($3::uuid IS NULL OR c.id < $3::uuid)
ORDER BY c.id DESC LIMIT $4)sql"};

// Crypto-shredding: the wrapped key row goes, and every ciphertext with it.
constexpr Query kErase{"customers.erase", R"sql(
WITH c AS (
  UPDATE brandos.customers SET email_index = NULL, email = NULL, name = NULL, phone = NULL,
         address = NULL, erased_at = now(), version = version + 1, updated_at = now()
  WHERE tenant_id = $1 AND id = $2 AND erased_at IS NULL RETURNING id, version),
k AS (DELETE FROM brandos.customer_keys
      WHERE tenant_id = $1 AND customer_id IN (SELECT id FROM c))
SELECT version FROM c)sql"};

constexpr Query kOrderIds{"orders.ids_of_customer", R"sql(
SELECT id FROM brandos.orders WHERE tenant_id = $1 AND customer_id = $2 ORDER BY id)sql"};

std::optional<std::string> hex(const std::optional<application::Bytes>& b) {
  if (!b) return std::nullopt;
  return bytea_hex(*b);
}

std::optional<application::Bytes> optional_bytes(const Row& r, std::string_view col) {
  if (r.is_null(col)) return std::nullopt;
  return bytes_of_hex(r.view(col));
}

SealedCustomer customer_of(const Row& r) {
  SealedCustomer c;
  c.id = r.uuid("id");
  c.key = {r.text("key_id"), bytes_of_hex(r.view("wrapped_key"))};
  c.email_index = bytes_of_hex(r.view("email_index"));
  c.email = bytes_of_hex(r.view("email"));
  c.name = bytes_of_hex(r.view("name"));
  c.phone = optional_bytes(r, "phone");
  c.address = optional_bytes(r, "address");
  c.created_at = r.text("created_at");
  return c;
}

}  // namespace

void CustomerRepository::add(const SealedCustomer& c) {
  s_.queue(Statement(kInsert, c.id, tenant_, bytea_hex(c.email_index), bytea_hex(c.email),
                     bytea_hex(c.name), hex(c.phone), hex(c.address)));
  s_.queue(Statement(kInsertKey, c.id, tenant_, c.key.key_id, bytea_hex(c.key.wrapped)));
}

asio::awaitable<Outcome<std::optional<SealedCustomer>>> CustomerRepository::get(
    const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kSelect, tenant_, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<SealedCustomer>{};
  co_return customer_of(Row(*r, 0));
}

asio::awaitable<Outcome<std::vector<SealedCustomer>>> CustomerRepository::list(
    const std::optional<application::Bytes>& email_index, const std::optional<domain::Uuid>& after,
    int limit) {
  auto r = co_await s_.run(
      Statement(kList, tenant_, hex(email_index), after, static_cast<std::int64_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, customer_of);
}

asio::awaitable<Outcome<std::optional<int>>> CustomerRepository::erase(const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kErase, tenant_, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<int>{};
  co_return Row(*r, 0).int32("version");
}

asio::awaitable<Outcome<std::vector<std::string>>> CustomerRepository::order_ids(
    const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kOrderIds, tenant_, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, [](const Row& row) { return row.text("id"); });
}

}  // namespace brandos::pg
