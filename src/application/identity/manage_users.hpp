#pragma once
// Staff user management (API.md "Tenancy and identity" and "Roles"): every use case checks the
// caller's permission and the escalation rule in one place (authorize_user_change), and every
// change or denial is audited.
#include "application/identity/dependencies.hpp"

namespace brandos::application {

struct CreateUserCommand {
  std::string email;
  std::string name;
  std::string password;
  std::string role;
};

struct UserPatch {
  std::optional<std::string> name;
  std::optional<std::string> role;
};

class ManageUsers {
 public:
  explicit ManageUsers(const IdentityDependencies& deps) : deps_(deps) {}

  boost::asio::awaitable<Outcome<UserRecord>> create(const Principal& actor, CreateUserCommand c,
                                                     const RequestOrigin& origin) const;
  boost::asio::awaitable<Outcome<UserRecord>> get(const Principal& actor,
                                                  const domain::Uuid& id) const;
  // Newest first; fetches limit + 1 so the caller knows whether there is a next page.
  boost::asio::awaitable<Outcome<std::vector<UserRecord>>> list(
      const Principal& actor, const std::optional<domain::Uuid>& after, int limit) const;
  boost::asio::awaitable<Outcome<UserRecord>> update(const Principal& actor, const domain::Uuid& id,
                                                     UserPatch patch,
                                                     const RequestOrigin& origin) const;
  boost::asio::awaitable<Outcome<void>> remove(const Principal& actor, const domain::Uuid& id,
                                               const RequestOrigin& origin) const;

 private:
  // Writes security.role_escalation_denied and returns the 403.
  boost::asio::awaitable<Failure> deny_escalation(const Principal& actor,
                                                  const std::string& target_id,
                                                  const std::string& attempted_role,
                                                  const RequestOrigin& origin) const;
  // Writes security.permission_denied and returns the 403.
  boost::asio::awaitable<Failure> deny_permission(const Principal& actor, const char* needed,
                                                  const std::string& target_id,
                                                  const RequestOrigin& origin) const;
  const IdentityDependencies& deps_;
};

class ListAuditEvents {
 public:
  explicit ListAuditEvents(const IdentityDependencies& deps) : deps_(deps) {}
  boost::asio::awaitable<Outcome<std::vector<AuditRecord>>> operator()(
      const Principal& actor, const std::optional<std::string>& action,
      const std::optional<domain::Uuid>& after, int limit) const;

 private:
  const IdentityDependencies& deps_;
};

}  // namespace brandos::application
