#include "infrastructure/postgres/user_repository.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using application::UserRecord;

namespace {

constexpr Query kInsertTenant{"tenants.insert", R"sql(
INSERT INTO brandos.tenants (id, slug, name) VALUES ($1, $2, $3))sql"};
constexpr Query kCurrentTenant{"tenants.current", R"sql(
SELECT id, slug, name,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.tenants WHERE id = brandos.current_tenant_id())sql"};

constexpr Query kInsertUser{"users.insert", R"sql(
INSERT INTO brandos.users (id, tenant_id, email, name, role, password_hash)
VALUES ($1, brandos.current_tenant_id(), $2, $3, $4, $5))sql"};
constexpr Query kSelectUser{"users.get", R"sql(
SELECT id, email, name, role,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.users
WHERE tenant_id = brandos.current_tenant_id() AND id = $1 AND deleted_at IS NULL)sql"};
constexpr Query kLockUser{"users.lock", R"sql(
SELECT id, email, name, role,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.users
WHERE tenant_id = brandos.current_tenant_id() AND id = $1 AND deleted_at IS NULL
FOR UPDATE)sql"};
constexpr Query kLoginUser{"users.for_login", R"sql(
SELECT id, email, name, role,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at,
       password_hash
FROM brandos.users
WHERE tenant_id = brandos.current_tenant_id() AND email = $1 AND deleted_at IS NULL)sql"};
constexpr Query kListUsers{"users.list", R"sql(
SELECT id, email, name, role,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.users
WHERE tenant_id = brandos.current_tenant_id() AND deleted_at IS NULL
  AND ($1::uuid IS NULL OR id < $1::uuid)
ORDER BY id DESC LIMIT $2)sql"};
constexpr Query kSaveUser{"users.save", R"sql(
UPDATE brandos.users SET name = $2, role = $3, version = version + 1, updated_at = now()
WHERE tenant_id = brandos.current_tenant_id() AND id = $1 AND deleted_at IS NULL)sql"};
constexpr Query kRemoveUser{"users.remove", R"sql(
UPDATE brandos.users SET deleted_at = now(), version = version + 1, updated_at = now()
WHERE tenant_id = brandos.current_tenant_id() AND id = $1 AND deleted_at IS NULL)sql"};
constexpr Query kRevokeUserTokens{"refresh_tokens.revoke_of_user", R"sql(
UPDATE brandos.refresh_tokens SET revoked_at = now()
WHERE tenant_id = brandos.current_tenant_id() AND user_id = $1 AND revoked_at IS NULL)sql"};

constexpr Query kInsertRefreshToken{"refresh_tokens.insert", R"sql(
INSERT INTO brandos.refresh_tokens (id, tenant_id, user_id, family_id, token_hash, expires_at)
VALUES ($1, brandos.current_tenant_id(), $2, $3, $4::bytea,
        now() + make_interval(secs => $5)))sql"};
constexpr Query kLockRefreshToken{"refresh_tokens.lock", R"sql(
SELECT t.id, t.tenant_id, t.user_id, t.family_id, t.spent_at IS NOT NULL AS spent,
       coalesce(t.spent_at > now() - make_interval(secs => $2), false) AS spent_within_grace,
       t.successor_id,
       t.revoked_at IS NOT NULL AS revoked, t.expires_at < now() AS expired,
       u.role, u.email, u.name, u.deleted_at IS NULL AS user_live
FROM brandos.refresh_tokens t
JOIN brandos.users u ON u.id = t.user_id
WHERE t.token_hash = $1::bytea AND t.tenant_id = brandos.current_tenant_id()
FOR UPDATE OF t)sql"};
constexpr Query kUsableToken{"refresh_tokens.usable", R"sql(
SELECT token_hash FROM brandos.refresh_tokens
WHERE tenant_id = brandos.current_tenant_id() AND id = $1
  AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > now())sql"};
constexpr Query kSpendToken{"refresh_tokens.spend", R"sql(
UPDATE brandos.refresh_tokens SET spent_at = now(), successor_id = $2
WHERE tenant_id = brandos.current_tenant_id() AND id = $1)sql"};
constexpr Query kRevokeFamily{"refresh_tokens.revoke_family", R"sql(
UPDATE brandos.refresh_tokens SET revoked_at = coalesce(revoked_at, now())
WHERE tenant_id = brandos.current_tenant_id() AND family_id = $1)sql"};

UserRecord user_of(const Row& r) {
  UserRecord u;
  u.id = r.uuid("id");
  u.email = r.text("email");
  u.name = r.text("name");
  u.role = domain::parse_role(r.view("role")).value_or(domain::Role::viewer);
  u.created_at = r.text("created_at");
  u.updated_at = r.text("updated_at");
  return u;
}

application::TenantRecord tenant_of(const Row& r) {
  return {r.uuid("id"), r.text("slug"), r.text("name"), r.text("created_at")};
}

}  // namespace

void UserRepository::add_tenant(const application::TenantRecord& t) {
  s_.queue(Statement(kInsertTenant, t.id, t.slug, t.name));
}

asio::awaitable<Outcome<application::TenantRecord>> UserRepository::tenant() {
  auto r = co_await s_.run(Statement(kCurrentTenant));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::unexpected(application::failures::not_found());
  co_return tenant_of(Row(*r, 0));
}

asio::awaitable<Outcome<application::LoginLookup>> UserRepository::find_for_login(
    const std::string& email) {
  std::vector<Statement> batch;
  batch.emplace_back(kCurrentTenant);
  batch.emplace_back(kLoginUser, email);
  auto r = co_await s_.run(std::move(batch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  application::LoginLookup out;
  if ((*r)[0].rows() == 1) out.tenant = tenant_of(Row((*r)[0], 0));
  if ((*r)[1].rows() == 1) {
    const Row row((*r)[1], 0);
    out.user = user_of(row);
    out.password_hash = row.text("password_hash");
  }
  co_return out;
}

void UserRepository::add(const application::NewUser& u) {
  s_.queue(Statement(kInsertUser, u.id, u.email, u.name, std::string(domain::to_string(u.role)),
                     u.password_hash));
}

asio::awaitable<Outcome<std::optional<UserRecord>>> UserRepository::one(Statement statement) {
  auto r = co_await s_.run(std::move(statement));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<UserRecord>{};
  co_return user_of(Row(*r, 0));
}

asio::awaitable<Outcome<std::optional<UserRecord>>> UserRepository::get(const domain::Uuid& id) {
  co_return co_await one(Statement(kSelectUser, id));
}

asio::awaitable<Outcome<std::optional<UserRecord>>> UserRepository::lock(const domain::Uuid& id) {
  co_return co_await one(Statement(kLockUser, id));
}

asio::awaitable<Outcome<std::vector<UserRecord>>> UserRepository::list(
    const std::optional<domain::Uuid>& after, int limit) {
  auto r = co_await s_.run(Statement(kListUsers, after, static_cast<std::int64_t>(limit)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, user_of);
}

void UserRepository::save(const UserRecord& u) {
  s_.queue(Statement(kSaveUser, u.id, u.name, std::string(domain::to_string(u.role))));
}

void UserRepository::remove(const domain::Uuid& id) {
  s_.queue(Statement(kRemoveUser, id));
  s_.queue(Statement(kRevokeUserTokens, id));
}

void UserRepository::add_refresh_token(const domain::Uuid& user_id,
                                       const application::RefreshTokenGrant& g) {
  s_.queue(Statement(kInsertRefreshToken, g.id, user_id, g.family_id, bytea_hex(g.hash),
                     static_cast<std::int64_t>(g.lifetime.count())));
}

asio::awaitable<Outcome<std::optional<application::RefreshTokenState>>>
UserRepository::lock_refresh_token(const application::TokenHash& hash, std::chrono::seconds grace) {
  auto r = co_await s_.run(
      Statement(kLockRefreshToken, bytea_hex(hash), static_cast<std::int64_t>(grace.count())));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<application::RefreshTokenState>{};
  const Row row(*r, 0);
  application::RefreshTokenState t;
  t.id = row.uuid("id");
  t.tenant_id = row.uuid("tenant_id");
  t.user_id = row.uuid("user_id");
  t.family_id = row.uuid("family_id");
  t.spent = row.boolean("spent");
  t.spent_within_grace = row.boolean("spent_within_grace");
  if (!row.is_null("successor_id")) t.successor_id = row.uuid("successor_id");
  t.revoked = row.boolean("revoked");
  t.expired = row.boolean("expired");
  t.user_live = row.boolean("user_live");
  t.role = domain::parse_role(row.view("role")).value_or(domain::Role::viewer);
  t.email = row.text("email");
  t.name = row.text("name");
  co_return t;
}

asio::awaitable<Outcome<std::optional<application::TokenHash>>>
UserRepository::usable_refresh_token(const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kUsableToken, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<application::TokenHash>{};
  const auto bytes = bytes_of_hex(Row(*r, 0).view("token_hash"));
  application::TokenHash h{};
  if (bytes.size() != h.size()) co_return std::optional<application::TokenHash>{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  co_return h;
}

void UserRepository::spend_refresh_token(const domain::Uuid& token_id,
                                         const domain::Uuid& successor_id) {
  s_.queue(Statement(kSpendToken, token_id, successor_id));
}

void UserRepository::revoke_refresh_family(const domain::Uuid& family_id) {
  s_.queue(Statement(kRevokeFamily, family_id));
}

}  // namespace brandos::pg
