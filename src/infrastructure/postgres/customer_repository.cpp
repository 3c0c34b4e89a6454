#include "infrastructure/postgres/customer_repository.hpp"

#include "infrastructure/postgres/idempotency_store.hpp"
#include "infrastructure/postgres/tenant_scope.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using application::SealedCustomer;
namespace failures = application::failures;

namespace {

constexpr const char* kInsert =
    "WITH c AS (INSERT INTO brandos.customers (id, tenant_id, email_index, email, name, phone, "
    "address) VALUES ($1, $2, $3::bytea, $4::bytea, $5::bytea, $6::bytea, $7::bytea) RETURNING *), "
    "k AS (INSERT INTO brandos.customer_keys (customer_id, tenant_id, key_id, wrapped_key) "
    "SELECT c.id, c.tenant_id, $8, $9::bytea FROM c), "
    "e AS (INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, "
    "aggregate_version, data) SELECT $10, c.tenant_id, 'customer.created', 'customer', c.id, "
    "c.version, jsonb_build_object('id', c.id) FROM c) "
    "SELECT " BRANDOS_SQL_TS("c.created_at") " FROM c";

#define CUSTOMER_COLUMNS                                                     \
  "c.id, k.key_id, k.wrapped_key, c.email_index, c.email, c.name, c.phone, " \
  "c.address, " BRANDOS_SQL_TS("c.created_at")
constexpr const char* kSelect = "SELECT " CUSTOMER_COLUMNS
                                " FROM brandos.customers c "
                                "JOIN brandos.customer_keys k ON k.customer_id = c.id "
                                "WHERE c.tenant_id = $1 AND c.id = $2 AND c.erased_at IS NULL";
constexpr const char* kList =
    "SELECT " CUSTOMER_COLUMNS
    " FROM brandos.customers c "
    "JOIN brandos.customer_keys k ON k.customer_id = c.id "
    "WHERE c.tenant_id = $1 AND c.erased_at IS NULL AND ($2::bytea IS NULL OR c.email_index = "
    "$2::bytea) "
    "AND ($3::uuid IS NULL OR c.id < $3::uuid) ORDER BY c.id DESC LIMIT $4";
// Crypto-shredding: the wrapped key row goes, and every ciphertext with it.
constexpr const char* kErase =
    "WITH c AS (UPDATE brandos.customers SET email_index = NULL, email = NULL, name = NULL, "
    "phone = NULL, address = NULL, erased_at = now(), version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 AND erased_at IS NULL RETURNING *), "
    "k AS (DELETE FROM brandos.customer_keys WHERE tenant_id = $1 AND customer_id IN (SELECT id "
    "FROM c)), "
    "e AS (INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, "
    "aggregate_version, data) SELECT $3, c.tenant_id, 'customer.erased', 'customer', c.id, "
    "c.version, "
    "jsonb_build_object('id', c.id) FROM c) "
    "SELECT id FROM c";
constexpr const char* kOrderIds =
    "SELECT id FROM brandos.orders WHERE tenant_id = $1 AND customer_id = $2 ORDER BY id";

std::string hex(const application::Bytes& b) {
  return bytea_literal(b.data(), b.size());
}

std::optional<std::string> hex(const std::optional<application::Bytes>& b) {
  if (!b) return std::nullopt;
  return hex(*b);
}

// bytea comes back in PostgreSQL's hex text form, "\x0a1b…".
application::Bytes bytes_at(const Result& r, int row, int col) {
  const std::string_view t = r.text(row, col);
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x' || t.size() % 2)
    throw std::logic_error("not hex bytea");
  auto nibble = [](char c) -> std::uint8_t {
    return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  application::Bytes out((t.size() - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(nibble(t[2 + 2 * i]) << 4 | nibble(t[3 + 2 * i]));
  return out;
}

SealedCustomer customer_at(const Result& r, int row) {
  SealedCustomer c;
  c.id = uuid_at(r, row, 0);
  c.key = {std::string(r.text(row, 1)), bytes_at(r, row, 2)};
  c.email_index = bytes_at(r, row, 3);
  c.email = bytes_at(r, row, 4);
  c.name = bytes_at(r, row, 5);
  if (!r.is_null(row, 6)) c.phone = bytes_at(r, row, 6);
  if (!r.is_null(row, 7)) c.address = bytes_at(r, row, 7);
  c.created_at = r.text(row, 8);
  return c;
}

}  // namespace

asio::awaitable<Outcome<SealedCustomer>> CustomerRepository::create(const domain::Uuid& tenant,
                                                                    const SealedCustomer& c,
                                                                    const domain::Uuid& event_id) {
  auto r =
      co_await in_tenant(pool_, tenant,
                         batch_of(Statement(kInsert, c.id, tenant, hex(c.email_index), hex(c.email),
                                            hex(c.name), hex(c.phone), hex(c.address), c.key.key_id,
                                            hex(c.key.wrapped), event_id)));
  if (!r) {
    if (r.error().kind == ErrorKind::unique_violation &&
        r.error().constraint == "customers_email_per_tenant")
      co_return std::unexpected(
          failures::conflict("email-taken", "A customer with this e-mail already exists."));
    co_return std::unexpected(unexpected_failure(r.error()));
  }
  SealedCustomer stored = c;
  stored.created_at = (*r)[0].text(0, 0);
  co_return stored;
}

asio::awaitable<Outcome<std::optional<SealedCustomer>>> CustomerRepository::get(
    const domain::Uuid& tenant, const domain::Uuid& id) {
  auto r = co_await in_tenant(pool_, tenant, batch_of(Statement(kSelect, tenant, id)));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[0].rows() != 1) co_return std::optional<SealedCustomer>{};
  co_return customer_at((*r)[0], 0);
}

asio::awaitable<Outcome<std::vector<SealedCustomer>>> CustomerRepository::list(
    const domain::Uuid& tenant, const std::optional<application::Bytes>& email_index,
    const std::optional<domain::Uuid>& after, int limit) {
  auto r = co_await in_tenant(pool_, tenant,
                              batch_of(Statement(kList, tenant, hex(email_index), after,
                                                 static_cast<std::int64_t>(limit))));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  std::vector<SealedCustomer> out;
  for (int i = 0; i < (*r)[0].rows(); ++i) out.push_back(customer_at((*r)[0], i));
  co_return out;
}

asio::awaitable<Outcome<bool>> CustomerRepository::erase(const domain::Uuid& tenant,
                                                         const domain::Uuid& id,
                                                         const domain::Uuid& event_id) {
  auto r = co_await in_tenant(pool_, tenant, batch_of(Statement(kErase, tenant, id, event_id)));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  co_return (*r)[0].rows() == 1;
}

asio::awaitable<Outcome<std::vector<std::string>>> CustomerRepository::order_ids(
    const domain::Uuid& tenant, const domain::Uuid& id) {
  auto r = co_await in_tenant(pool_, tenant, batch_of(Statement(kOrderIds, tenant, id)));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  std::vector<std::string> out;
  for (int i = 0; i < (*r)[0].rows(); ++i) out.emplace_back((*r)[0].text(i, 0));
  co_return out;
}

}  // namespace brandos::pg
