#include "infrastructure/postgres/identity_repository.hpp"

#include <stdexcept>

#include "infrastructure/postgres/identity_sql.hpp"
#include "infrastructure/postgres/tenant_scope.hpp"
#include "infrastructure/postgres/transaction.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Failure;
using application::Outcome;
namespace failures = application::failures;

namespace {

// RFC 3339 in UTC with milliseconds, the API's timestamp format.
#define BRANDOS_TS(col) BRANDOS_SQL_TS(col)

constexpr const char* kBegin = "BEGIN";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kSetTenantOfSlug =
    "SELECT set_config('app.tenant_id', coalesce(brandos.tenant_id_for_slug($1)::text, ''), true)";
constexpr const char* kSetTenantOfToken =
    "SELECT set_config('app.tenant_id', "
    "coalesce(brandos.tenant_id_for_refresh_token($1::bytea)::text, ''), true)";

constexpr const char* kInsertTenant =
    "INSERT INTO brandos.tenants (id, slug, name) VALUES ($1, $2, $3) "
    "RETURNING " BRANDOS_TS("created_at");
constexpr const char* kSelectTenant =
    "SELECT id, slug, name, " BRANDOS_TS("created_at") " FROM brandos.tenants WHERE id = $1";
constexpr const char* kSelectCurrentTenant = "SELECT id, slug, name, " BRANDOS_TS(
    "created_at") " FROM brandos.tenants WHERE id = brandos.current_tenant_id()";

#define BRANDOS_USER_COLUMNS \
  "id, email, name, role, " BRANDOS_TS("created_at") ", " BRANDOS_TS("updated_at")
constexpr const char* kInsertUser =
    "INSERT INTO brandos.users (id, tenant_id, email, name, role, password_hash) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " BRANDOS_USER_COLUMNS;
constexpr const char* kSelectUser =
    "SELECT " BRANDOS_USER_COLUMNS
    " FROM brandos.users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL";
constexpr const char* kSelectLoginUser =
    "SELECT " BRANDOS_USER_COLUMNS
    ", password_hash FROM brandos.users "
    "WHERE tenant_id = brandos.current_tenant_id() AND email = $1 AND deleted_at IS NULL";
constexpr const char* kListUsers =
    "SELECT " BRANDOS_USER_COLUMNS
    " FROM brandos.users "
    "WHERE tenant_id = $1 AND deleted_at IS NULL AND ($2::uuid IS NULL OR id < $2::uuid) "
    "ORDER BY id DESC LIMIT $3";
constexpr const char* kUpdateUser =
    "UPDATE brandos.users SET name = coalesce($3, name), role = coalesce($4, role), "
    "version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING " BRANDOS_USER_COLUMNS;
constexpr const char* kDeleteUser =
    "UPDATE brandos.users SET deleted_at = now(), version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id";
constexpr const char* kRevokeUserTokens =
    "UPDATE brandos.refresh_tokens SET revoked_at = now() "
    "WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL";

constexpr const char* kInsertAudit =
    "INSERT INTO brandos.audit_events (id, tenant_id, actor_user_id, action, target_type, "
    "target_id, ip, request_id, outcome, details) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr const char* kListAudit =
    "SELECT id, " BRANDOS_TS("occurred_at") ", actor_user_id, action, target_type, target_id, ip, "
    "request_id, outcome, details::text FROM brandos.audit_events "
    "WHERE tenant_id = $1 AND ($2::text IS NULL OR action = $2::text) "
    "AND ($3::uuid IS NULL OR id < $3::uuid) ORDER BY id DESC LIMIT $4";

constexpr const char* kInsertRefreshToken =
    "INSERT INTO brandos.refresh_tokens (id, tenant_id, user_id, family_id, token_hash, "
    "expires_at) "
    "VALUES ($1, $2, $3, $4, $5::bytea, now() + make_interval(secs => $6))";
constexpr const char* kLockRefreshToken =
    "SELECT t.id, t.tenant_id, t.user_id, t.family_id, "
    "t.spent_at IS NOT NULL, t.revoked_at IS NOT NULL, t.expires_at < now(), "
    "u.role, u.email, u.name, u.deleted_at IS NULL "
    "FROM brandos.refresh_tokens t JOIN brandos.users u ON u.id = t.user_id "
    "WHERE t.token_hash = $1::bytea AND t.tenant_id = brandos.current_tenant_id() FOR UPDATE OF t";
constexpr const char* kRevokeFamily =
    "UPDATE brandos.refresh_tokens SET revoked_at = coalesce(revoked_at, now()) "
    "WHERE tenant_id = $1 AND family_id = $2";
constexpr const char* kSpendToken =
    "UPDATE brandos.refresh_tokens SET spent_at = now() WHERE tenant_id = $1 AND id = $2";
constexpr const char* kRevokeFamilyOfToken =
    "UPDATE brandos.refresh_tokens SET revoked_at = coalesce(revoked_at, now()) "
    "WHERE tenant_id = brandos.current_tenant_id() AND family_id = "
    "(SELECT family_id FROM brandos.refresh_tokens WHERE token_hash = $1::bytea) "
    "RETURNING user_id";

std::string bytea_hex(const application::TokenHash& h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "\\x";
  for (auto b : h) {
    s += kHex[b >> 4];
    s += kHex[b & 0xF];
  }
  return s;
}

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

Statement audit_statement(const domain::Uuid& id, const domain::Uuid& tenant,
                          const application::AuditEntry& e) {
  Statement s(kInsertAudit);
  s.bind(id)
      .bind(tenant)
      .bind(e.actor_user_id)
      .bind(e.action)
      .bind(non_empty(e.target_type))
      .bind(non_empty(e.target_id))
      .bind(non_empty(e.origin.ip))
      .bind(non_empty(e.origin.request_id))
      .bind(e.outcome)
      .bind(Jsonb{e.details_json});
  return s;
}

application::UserRecord user_at(const Result& r, int row) {
  application::UserRecord u;
  u.id = uuid_at(r, row, 0);
  u.email = r.text(row, 1);
  u.name = r.text(row, 2);
  u.role = domain::parse_role(r.text(row, 3)).value_or(domain::Role::viewer);
  u.created_at = r.text(row, 4);
  u.updated_at = r.text(row, 5);
  return u;
}

application::TenantRecord tenant_at(const Result& r, int row) {
  return {uuid_at(r, row, 0), std::string(r.text(row, 1)), std::string(r.text(row, 2)),
          std::string(r.text(row, 3))};
}

}  // namespace

asio::awaitable<Outcome<std::pair<application::TenantRecord, application::UserRecord>>>
IdentityRepository::create_tenant_with_owner(const application::TenantRecord& tenant,
                                             const application::NewUser& owner,
                                             const application::AuditEntry& audit) {
  // The new tenant's id is set before its row exists: WITH CHECK admits exactly that row.
  std::vector<Statement> r_batch =
      batch_of(Statement(kInsertTenant, tenant.id, tenant.slug, tenant.name),
               Statement(kInsertUser, owner.id, tenant.id, owner.email, owner.name,
                         std::string(domain::to_string(owner.role)), owner.password_hash),
               audit_statement(ids_.new_id(), tenant.id, audit));
  auto r = co_await in_tenant(pool_, tenant.id, std::move(r_batch));
  if (!r) {
    if (r.error().kind == ErrorKind::unique_violation && r.error().constraint == "tenants_slug_key")
      co_return std::unexpected(failures::conflict("slug-taken", "This slug is already taken."));
    co_return std::unexpected(unexpected_failure(r.error()));
  }
  application::TenantRecord t = tenant;
  t.created_at = (*r)[0].text(0, 0);
  co_return std::make_pair(t, user_at((*r)[1], 0));
}

asio::awaitable<Outcome<application::LoginLookup>> IdentityRepository::find_for_login(
    const std::string& slug, const std::string& email) {
  std::vector<Statement> batch;
  batch.emplace_back(kBegin);
  batch.emplace_back(kSetTenantOfSlug, slug);
  batch.emplace_back(kSelectCurrentTenant);
  batch.emplace_back(kSelectLoginUser, email);
  batch.emplace_back(kCommit);
  auto r = co_await pool_.pipeline(batch);
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  application::LoginLookup out;
  if ((*r)[2].rows() == 1) out.tenant = tenant_at((*r)[2], 0);
  if ((*r)[3].rows() == 1) {
    out.user = user_at((*r)[3], 0);
    out.password_hash = (*r)[3].text(0, 6);
  }
  co_return out;
}

asio::awaitable<Outcome<void>> IdentityRepository::store_refresh_token(
    const domain::Uuid& tenant_id, const domain::Uuid& user_id,
    const application::RefreshTokenGrant& g) {
  std::vector<Statement> r_batch =
      batch_of(Statement(kInsertRefreshToken, g.id, tenant_id, user_id, g.family_id,
                         bytea_hex(g.hash), static_cast<std::int64_t>(g.lifetime.count())));
  auto r = co_await in_tenant(pool_, tenant_id, std::move(r_batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<application::Rotation>> IdentityRepository::rotate_refresh_token(
    const application::TokenHash& presented, const application::RefreshTokenGrant& successor,
    const application::RequestOrigin& origin) {
  auto tx = co_await Transaction::begin(pool_);
  if (!tx) co_return std::unexpected(unexpected_failure(tx.error()));
  const std::string hash = bytea_hex(presented);
  auto found_batch =
      batch_of(Statement(kSetTenantOfToken, hash), Statement(kLockRefreshToken, hash));
  auto found = co_await tx->pipeline(found_batch);
  if (!found) co_return std::unexpected(unexpected_failure(found.error()));
  const Result& row = (*found)[1];
  application::Rotation out;
  if (row.rows() != 1) {
    co_await tx->rollback();
    co_return out;  // unknown
  }
  const domain::Uuid token_id = uuid_at(row, 0, 0);
  const domain::Uuid tenant_id = uuid_at(row, 0, 1);
  const domain::Uuid user_id = uuid_at(row, 0, 2);
  const domain::Uuid family_id = uuid_at(row, 0, 3);
  if (row.boolean(0, 5)) {  // revoked (logout, deleted user, or an earlier reuse): just refuse
    co_await tx->rollback();
    co_return out;
  }
  if (row.boolean(0, 4)) {
    // A spent token came back: someone holds a copy of it. End the whole family.
    application::AuditEntry audit{"auth.refresh_reuse",
                                  user_id,
                                  "user",
                                  user_id.to_string(),
                                  origin,
                                  "denied",
                                  R"({"family_id":")" + family_id.to_string() + "\"}"};
    auto revoked_batch = batch_of(Statement(kRevokeFamily, tenant_id, family_id),
                                  audit_statement(ids_.new_id(), tenant_id, audit));
    auto revoked = co_await tx->pipeline(revoked_batch);
    if (!revoked) co_return std::unexpected(unexpected_failure(revoked.error()));
    auto committed = co_await tx->commit();
    if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
    out.result = application::RotationResult::reused;
    co_return out;
  }
  if (row.boolean(0, 6) || !row.boolean(0, 10)) {  // expired, or the user is gone
    co_await tx->rollback();
    co_return out;
  }
  auto rotated_batch = batch_of(
      Statement(kSpendToken, tenant_id, token_id),
      Statement(kInsertRefreshToken, successor.id, tenant_id, user_id, family_id,
                bytea_hex(successor.hash), static_cast<std::int64_t>(successor.lifetime.count())));
  auto rotated = co_await tx->pipeline(rotated_batch);
  if (!rotated) co_return std::unexpected(unexpected_failure(rotated.error()));
  auto committed = co_await tx->commit();
  if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
  out.result = application::RotationResult::rotated;
  out.principal = application::Principal{
      tenant_id, user_id, domain::parse_role(row.text(0, 7)).value_or(domain::Role::viewer),
      std::string(row.text(0, 8)), std::string(row.text(0, 9))};
  co_return out;
}

asio::awaitable<Outcome<bool>> IdentityRepository::revoke_refresh_family(
    const application::TokenHash& presented, const application::RequestOrigin& origin) {
  auto tx = co_await Transaction::begin(pool_);
  if (!tx) co_return std::unexpected(unexpected_failure(tx.error()));
  const std::string hash = bytea_hex(presented);
  auto r_batch = batch_of(Statement(kSetTenantOfToken, hash), Statement(kRevokeFamilyOfToken, hash),
                          Statement("SELECT brandos.current_tenant_id()"));
  auto r = co_await tx->pipeline(r_batch);
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[1].rows() == 0 || (*r)[2].is_null(0, 0)) {
    co_await tx->rollback();
    co_return false;
  }
  const domain::Uuid tenant_id = uuid_at((*r)[2], 0, 0);
  const domain::Uuid user_id = uuid_at((*r)[1], 0, 0);
  application::AuditEntry audit{"auth.logout", user_id, "user", user_id.to_string(), origin};
  auto logged = co_await tx->execute(audit_statement(ids_.new_id(), tenant_id, audit));
  if (!logged) co_return std::unexpected(unexpected_failure(logged.error()));
  auto committed = co_await tx->commit();
  if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
  co_return true;
}

asio::awaitable<Outcome<std::optional<application::Principal>>>
IdentityRepository::authenticated_user(const domain::Uuid& tenant_id, const domain::Uuid& user_id) {
  static const std::string sql = identity_sql::kAuthenticatedUser;
  auto r = co_await pool_.execute(Statement(sql, tenant_id, user_id));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if (r->rows() != 1) co_return std::optional<application::Principal>{};
  co_return application::Principal{tenant_id, user_id,
                                   domain::parse_role(r->text(0, 0)).value_or(domain::Role::viewer),
                                   std::string(r->text(0, 1)), std::string(r->text(0, 2))};
}

asio::awaitable<Outcome<application::TenantRecord>> IdentityRepository::tenant(
    const domain::Uuid& tenant_id) {
  std::vector<Statement> r_batch = batch_of(Statement(kSelectTenant, tenant_id));
  auto r = co_await in_tenant(pool_, tenant_id, std::move(r_batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[0].rows() != 1) co_return std::unexpected(failures::not_found());
  co_return tenant_at((*r)[0], 0);
}

asio::awaitable<Outcome<void>> IdentityRepository::append_audit(const domain::Uuid& tenant_id,
                                                                const application::AuditEntry& e) {
  std::vector<Statement> r_batch = batch_of(audit_statement(ids_.new_id(), tenant_id, e));
  auto r = co_await in_tenant(pool_, tenant_id, std::move(r_batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<application::UserRecord>> IdentityRepository::create_user(
    const domain::Uuid& tenant_id, const application::NewUser& u,
    const application::AuditEntry& audit) {
  std::vector<Statement> r_batch =
      batch_of(Statement(kInsertUser, u.id, tenant_id, u.email, u.name,
                         std::string(domain::to_string(u.role)), u.password_hash),
               audit_statement(ids_.new_id(), tenant_id, audit));
  auto r = co_await in_tenant(pool_, tenant_id, std::move(r_batch));
  if (!r) {
    if (r.error().kind == ErrorKind::unique_violation &&
        r.error().constraint == "users_email_per_tenant")
      co_return std::unexpected(
          failures::conflict("email-taken", "A user with this e-mail already exists."));
    if (r.error().kind == ErrorKind::unique_violation && r.error().constraint == "users_one_owner")
      co_return std::unexpected(
          failures::conflict("owner-exists", "The brand already has an owner."));
    co_return std::unexpected(unexpected_failure(r.error()));
  }
  co_return user_at((*r)[0], 0);
}

asio::awaitable<Outcome<std::optional<application::UserRecord>>> IdentityRepository::get_user(
    const domain::Uuid& tenant_id, const domain::Uuid& user_id) {
  std::vector<Statement> r_batch = batch_of(Statement(kSelectUser, tenant_id, user_id));
  auto r = co_await in_tenant(pool_, tenant_id, std::move(r_batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[0].rows() != 1) co_return std::optional<application::UserRecord>{};
  co_return user_at((*r)[0], 0);
}

asio::awaitable<Outcome<std::vector<application::UserRecord>>> IdentityRepository::list_users(
    const domain::Uuid& tenant_id, const std::optional<domain::Uuid>& after, int limit) {
  std::vector<Statement> r_batch =
      batch_of(Statement(kListUsers, tenant_id, after, static_cast<std::int64_t>(limit)));
  auto r = co_await in_tenant(pool_, tenant_id, std::move(r_batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  std::vector<application::UserRecord> out;
  for (int i = 0; i < (*r)[0].rows(); ++i) out.push_back(user_at((*r)[0], i));
  co_return out;
}

asio::awaitable<Outcome<std::optional<application::UserRecord>>> IdentityRepository::update_user(
    const domain::Uuid& tenant_id, const domain::Uuid& user_id,
    const application::UserChanges& changes, const application::AuditEntry& audit) {
  std::optional<std::string> role;
  if (changes.role) role = domain::to_string(*changes.role);
  auto tx = co_await Transaction::begin(pool_);
  if (!tx) co_return std::unexpected(unexpected_failure(tx.error()));
  auto r_batch = batch_of(Statement(kSetTenant, tenant_id.to_string()),
                          Statement(kUpdateUser, tenant_id, user_id, changes.name, role));
  auto r = co_await tx->pipeline(r_batch);
  if (!r) {
    if (r.error().kind == ErrorKind::unique_violation)
      co_return std::unexpected(
          failures::conflict("owner-exists", "The brand already has an owner."));
    co_return std::unexpected(unexpected_failure(r.error()));
  }
  if ((*r)[1].rows() != 1) {
    co_await tx->rollback();
    co_return std::optional<application::UserRecord>{};
  }
  auto logged = co_await tx->execute(audit_statement(ids_.new_id(), tenant_id, audit));
  if (!logged) co_return std::unexpected(unexpected_failure(logged.error()));
  auto committed = co_await tx->commit();
  if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
  co_return user_at((*r)[1], 0);
}

asio::awaitable<Outcome<bool>> IdentityRepository::delete_user(
    const domain::Uuid& tenant_id, const domain::Uuid& user_id,
    const application::AuditEntry& audit) {
  auto tx = co_await Transaction::begin(pool_);
  if (!tx) co_return std::unexpected(unexpected_failure(tx.error()));
  auto r_batch = batch_of(Statement(kSetTenant, tenant_id.to_string()),
                          Statement(kDeleteUser, tenant_id, user_id));
  auto r = co_await tx->pipeline(r_batch);
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  if ((*r)[1].rows() != 1) {
    co_await tx->rollback();
    co_return false;
  }
  auto rest_batch = batch_of(Statement(kRevokeUserTokens, tenant_id, user_id),
                             audit_statement(ids_.new_id(), tenant_id, audit));
  auto rest = co_await tx->pipeline(rest_batch);
  if (!rest) co_return std::unexpected(unexpected_failure(rest.error()));
  auto committed = co_await tx->commit();
  if (!committed) co_return std::unexpected(unexpected_failure(committed.error()));
  co_return true;
}

asio::awaitable<Outcome<std::vector<application::AuditRecord>>> IdentityRepository::list_audit(
    const domain::Uuid& tenant_id, const std::optional<std::string>& action,
    const std::optional<domain::Uuid>& after, int limit) {
  std::vector<Statement> r_batch =
      batch_of(Statement(kListAudit, tenant_id, action, after, static_cast<std::int64_t>(limit)));
  auto r = co_await in_tenant(pool_, tenant_id, std::move(r_batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  std::vector<application::AuditRecord> out;
  const Result& rows = (*r)[0];
  for (int i = 0; i < rows.rows(); ++i) {
    application::AuditRecord a;
    a.id = uuid_at(rows, i, 0);
    a.occurred_at = rows.text(i, 1);
    auto opt = [&](int c) -> std::optional<std::string> {
      if (rows.is_null(i, c)) return std::nullopt;
      return std::string(rows.text(i, c));
    };
    a.actor_user_id = opt(2);
    a.action = rows.text(i, 3);
    a.target_type = opt(4);
    a.target_id = opt(5);
    a.ip = opt(6);
    a.request_id = opt(7);
    a.outcome = rows.text(i, 8);
    a.details_json = rows.text(i, 9);
    out.push_back(std::move(a));
  }
  co_return out;
}

}  // namespace brandos::pg
