#pragma once
// IdentityRepository on PostgreSQL. Every method is one transaction that first sets
// app.tenant_id, so row-level security confines it to that tenant; queries filter on tenant_id
// as well. Most methods are one pipelined round trip (BEGIN, set_config, statements, COMMIT).
// The pre-tenant lookups go through the SECURITY DEFINER functions of migration 0002.
//
// Thread-safety: one instance per I/O thread (it uses that thread's pool).
#include "application/ports/id_generator.hpp"
#include "application/ports/identity_repository.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class IdentityRepository final : public application::IdentityRepository {
 public:
  // `ids` names audit rows and other rows the repository adds on its own.
  IdentityRepository(Pool& pool, application::IdGenerator& ids) : pool_(pool), ids_(ids) {}

  boost::asio::awaitable<
      application::Outcome<std::pair<application::TenantRecord, application::UserRecord>>>
  create_tenant_with_owner(const application::TenantRecord& tenant,
                           const application::NewUser& owner,
                           const application::AuditEntry& audit) override;
  boost::asio::awaitable<application::Outcome<application::LoginLookup>> find_for_login(
      const std::string& slug, const std::string& email) override;
  boost::asio::awaitable<application::Outcome<void>> store_refresh_token(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id,
      const application::RefreshTokenGrant& grant) override;
  boost::asio::awaitable<application::Outcome<application::Rotation>> rotate_refresh_token(
      const application::TokenHash& presented, const application::RefreshTokenGrant& successor,
      const application::RequestOrigin& origin) override;
  boost::asio::awaitable<application::Outcome<bool>> revoke_refresh_family(
      const application::TokenHash& presented, const application::RequestOrigin& origin) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::Principal>>>
  authenticated_user(const domain::Uuid& tenant_id, const domain::Uuid& user_id) override;
  boost::asio::awaitable<application::Outcome<application::TenantRecord>> tenant(
      const domain::Uuid& tenant_id) override;
  boost::asio::awaitable<application::Outcome<void>> append_audit(
      const domain::Uuid& tenant_id, const application::AuditEntry& entry) override;
  boost::asio::awaitable<application::Outcome<application::UserRecord>> create_user(
      const domain::Uuid& tenant_id, const application::NewUser& user,
      const application::AuditEntry& audit) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::UserRecord>>> get_user(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::UserRecord>>> list_users(
      const domain::Uuid& tenant_id, const std::optional<domain::Uuid>& after, int limit) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::UserRecord>>> update_user(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id,
      const application::UserChanges& changes, const application::AuditEntry& audit) override;
  boost::asio::awaitable<application::Outcome<bool>> delete_user(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id,
      const application::AuditEntry& audit) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::AuditRecord>>> list_audit(
      const domain::Uuid& tenant_id, const std::optional<std::string>& action,
      const std::optional<domain::Uuid>& after, int limit) override;

 private:
  Pool& pool_;
  application::IdGenerator& ids_;
};

}  // namespace brandos::pg
