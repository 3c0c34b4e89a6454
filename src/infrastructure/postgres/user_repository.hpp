#pragma once
// UserRepository on a TenantSession: tenants, users and refresh tokens, mapped. Its queries
// filter on brandos.current_tenant_id(), the tenant the session set, because before sign-in
// (login, refresh, logout) only the database knows it.
#include "application/ports/user_repository.hpp"
#include "infrastructure/postgres/tenant_session.hpp"

namespace brandos::pg {

class UserRepository final : public application::UserRepository {
 public:
  explicit UserRepository(TenantSession& session) : s_(session) {}

  void add_tenant(const application::TenantRecord& tenant) override;
  boost::asio::awaitable<application::Outcome<application::TenantRecord>> tenant() override;
  boost::asio::awaitable<application::Outcome<application::LoginLookup>> find_for_login(
      const std::string& email) override;
  void add(const application::NewUser& user) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::UserRecord>>> get(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::UserRecord>>> lock(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::UserRecord>>> list(
      const std::optional<domain::Uuid>& after, int limit) override;
  void save(const application::UserRecord& user) override;
  void remove(const domain::Uuid& id) override;
  void add_refresh_token(const domain::Uuid& user_id,
                         const application::RefreshTokenGrant& grant) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::RefreshTokenState>>>
  lock_refresh_token(const application::TokenHash& hash, std::chrono::seconds grace) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::TokenHash>>>
  usable_refresh_token(const domain::Uuid& id) override;
  void spend_refresh_token(const domain::Uuid& token_id, const domain::Uuid& successor_id) override;
  void revoke_refresh_family(const domain::Uuid& family_id) override;

 private:
  boost::asio::awaitable<application::Outcome<std::optional<application::UserRecord>>> one(
      Statement statement);
  TenantSession& s_;
};

}  // namespace brandos::pg
