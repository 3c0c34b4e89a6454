#pragma once
// Port: persistence of tenants, staff users, refresh tokens and the audit log. Every method is
// one atomic unit (one database transaction) and enforces the tenant it is given: rows of other
// tenants are neither visible nor writable. Database trouble surfaces as FailureCode::unavailable.
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

struct AuditEntry {
  std::string action;  // "auth.login", "user.created", "security.role_escalation_denied"...
  std::optional<domain::Uuid> actor_user_id;
  std::string target_type;
  std::string target_id;
  RequestOrigin origin;
  std::string outcome = "success";  // success | failure | denied
  std::string details_json = "{}";
};

struct AuditRecord {
  domain::Uuid id;
  std::string occurred_at;
  std::optional<std::string> actor_user_id;
  std::string action;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> ip;
  std::optional<std::string> request_id;
  std::string outcome;
  std::string details_json;
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

enum class RotationResult { rotated, reused, unknown };

struct Rotation {
  RotationResult result = RotationResult::unknown;
  std::optional<Principal> principal;  // set when rotated
};

struct UserChanges {
  std::optional<std::string> name;
  std::optional<domain::Role> role;
};

class IdentityRepository {
 public:
  virtual ~IdentityRepository() = default;

  // Conflict "slug-taken" when the slug exists.
  virtual boost::asio::awaitable<Outcome<std::pair<TenantRecord, UserRecord>>>
  create_tenant_with_owner(const TenantRecord& tenant, const NewUser& owner,
                           const AuditEntry& audit) = 0;
  virtual boost::asio::awaitable<Outcome<LoginLookup>> find_for_login(const std::string& slug,
                                                                      const std::string& email) = 0;
  virtual boost::asio::awaitable<Outcome<void>> store_refresh_token(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id,
      const RefreshTokenGrant& grant) = 0;
  // Spends the presented token and stores its successor in the same family. A token presented
  // a second time revokes its whole family and writes auth.refresh_reuse.
  virtual boost::asio::awaitable<Outcome<Rotation>> rotate_refresh_token(
      const TokenHash& presented, const RefreshTokenGrant& successor,
      const RequestOrigin& origin) = 0;
  // Revokes the family of the presented token; false if the token is unknown.
  virtual boost::asio::awaitable<Outcome<bool>> revoke_refresh_family(
      const TokenHash& presented, const RequestOrigin& origin) = 0;
  // The current state of a token's subject: nullopt if the user is gone.
  virtual boost::asio::awaitable<Outcome<std::optional<Principal>>> authenticated_user(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id) = 0;
  virtual boost::asio::awaitable<Outcome<TenantRecord>> tenant(const domain::Uuid& tenant_id) = 0;
  virtual boost::asio::awaitable<Outcome<void>> append_audit(const domain::Uuid& tenant_id,
                                                             const AuditEntry& entry) = 0;

  // Conflict "email-taken" when a live user of the tenant has the e-mail.
  virtual boost::asio::awaitable<Outcome<UserRecord>> create_user(const domain::Uuid& tenant_id,
                                                                  const NewUser& user,
                                                                  const AuditEntry& audit) = 0;
  virtual boost::asio::awaitable<Outcome<std::optional<UserRecord>>> get_user(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id) = 0;
  // Newest first; `after` is the last id of the previous page.
  virtual boost::asio::awaitable<Outcome<std::vector<UserRecord>>> list_users(
      const domain::Uuid& tenant_id, const std::optional<domain::Uuid>& after, int limit) = 0;
  virtual boost::asio::awaitable<Outcome<std::optional<UserRecord>>> update_user(
      const domain::Uuid& tenant_id, const domain::Uuid& user_id, const UserChanges& changes,
      const AuditEntry& audit) = 0;
  // Soft delete; revokes the user's refresh tokens. False when there is no such live user.
  virtual boost::asio::awaitable<Outcome<bool>> delete_user(const domain::Uuid& tenant_id,
                                                            const domain::Uuid& user_id,
                                                            const AuditEntry& audit) = 0;
  virtual boost::asio::awaitable<Outcome<std::vector<AuditRecord>>> list_audit(
      const domain::Uuid& tenant_id, const std::optional<std::string>& action,
      const std::optional<domain::Uuid>& after, int limit) = 0;
};

}  // namespace brandos::application
