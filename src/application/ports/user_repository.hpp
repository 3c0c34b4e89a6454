#pragma once
// Port: tenants, staff users and refresh tokens, on a unit of work. Rows only: who may do what,
// and what a reused or expired token means, is decided by the identity use cases.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "application/identity/principal.hpp"
#include "application/ports/token_service.hpp"

namespace brandos::application {

struct TenantRecord {
  domain::Uuid id;
  std::string slug;
  std::string name;
  std::string created_at;  // RFC 3339 UTC
};

struct UserRecord {
  domain::Uuid id;
  std::string email;
  std::string name;
  domain::Role role = domain::Role::viewer;
  std::string created_at;
  std::string updated_at;
};

struct NewUser {
  domain::Uuid id;
  std::string email;  // normalised
  std::string name;
  domain::Role role;
  std::string password_hash;
};

struct LoginLookup {
  std::optional<TenantRecord> tenant;
  std::optional<UserRecord> user;
  std::string password_hash;  // set when user is
};

struct RefreshTokenGrant {
  domain::Uuid id;
  domain::Uuid family_id;
  TokenHash hash;
  std::chrono::seconds lifetime;
};

// A presented refresh token as stored, with the current state of its user.
struct RefreshTokenState {
  domain::Uuid id;
  domain::Uuid tenant_id;
  domain::Uuid user_id;
  domain::Uuid family_id;
  bool spent = false;
  bool spent_within_grace = false;           // spent no longer ago than the grace asked for
  std::optional<domain::Uuid> successor_id;  // the token it was exchanged for
  bool revoked = false;
  bool expired = false;
  bool user_live = false;
  domain::Role role = domain::Role::viewer;
  std::string email;
  std::string name;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // Queued. An existing slug fails the commit with conflict "slug-taken".
  virtual void add_tenant(const TenantRecord& tenant) = 0;
  // The unit of work's tenant (not_found when it does not resolve).
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<TenantRecord>> tenant() = 0;
  // The unit of work's tenant and its live user with this e-mail, in one round trip.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<LoginLookup>> find_for_login(
      const std::string& email) = 0;

  // Queued. Conflict "email-taken" / "owner-exists" at commit.
  virtual void add(const NewUser& user) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<UserRecord>>> get(
      const domain::Uuid& id) = 0;
  // The live user, locked until the unit of work ends.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<UserRecord>>> lock(
      const domain::Uuid& id) = 0;
  // Newest first; `after` is the last id of the previous page.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<UserRecord>>> list(
      const std::optional<domain::Uuid>& after, int limit) = 0;
  // Queued: name and role as given; updated_at = now. Conflict "owner-exists" at commit.
  virtual void save(const UserRecord& user) = 0;
  // Queued: soft delete, and every refresh token of the user revoked.
  virtual void remove(const domain::Uuid& id) = 0;

  // Queued.
  virtual void add_refresh_token(const domain::Uuid& user_id, const RefreshTokenGrant& grant) = 0;
  // The token with this hash in the unit of work's tenant, locked; nullopt when unknown.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<RefreshTokenState>>>
  lock_refresh_token(const TokenHash& hash, std::chrono::seconds grace) = 0;
  // The hash of the token with this id while it is usable (not spent, revoked or expired). Its
  // own statement: a token locked after waiting for the exchange that spent it sees the updated
  // row, but joined rows only as of before (READ COMMITTED), so not the successor just inserted.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<TokenHash>>>
  usable_refresh_token(const domain::Uuid& id) = 0;
  // Queued: spent, in exchange for `successor_id`.
  virtual void spend_refresh_token(const domain::Uuid& token_id,
                                   const domain::Uuid& successor_id) = 0;
  // Queued: every token of the family.
  virtual void revoke_refresh_family(const domain::Uuid& family_id) = 0;
};

}  // namespace brandos::application
