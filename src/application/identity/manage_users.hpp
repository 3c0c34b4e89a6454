#pragma once
// Staff user management (API.md "Tenancy and identity" and "Roles"): every use case checks the
// caller's permission and the escalation rule, and every change or denial is audited in the same
// unit of work as what it records.
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

// GET /v1/me
struct Me {
  UserRecord user;
  TenantRecord tenant;
};

class ManageUsers {
 public:
  explicit ManageUsers(const IdentityDependencies& deps) : deps_(deps) {}

  boost::asio::awaitable<Outcome<UserRecord>> create(const OperationContext& ctx,
                                                     CreateUserCommand c) const;
  boost::asio::awaitable<Outcome<UserRecord>> get(const OperationContext& ctx,
                                                  const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<Me>> me(const OperationContext& ctx) const;
  // Newest first; fetches limit + 1 so the caller knows whether there is a next page.
  boost::asio::awaitable<Outcome<std::vector<UserRecord>>> list(
      const OperationContext& ctx, const std::optional<domain::Uuid>& after, int limit) const;
  boost::asio::awaitable<Outcome<UserRecord>> update(const OperationContext& ctx,
                                                     const domain::Uuid& id, UserPatch patch) const;
  boost::asio::awaitable<Outcome<void>> remove(const OperationContext& ctx,
                                               const domain::Uuid& id) const;

 private:
  AuditEntry escalation_denied(const OperationContext& ctx, const std::string& target_id,
                               const std::string& attempted_role) const;
  // Writes security.permission_denied; returns the 403 (or why it could not be written).
  boost::asio::awaitable<Failure> deny_permission(const OperationContext& ctx, const char* needed,
                                                  const std::string& target_id) const;
  // Writes the entry with nothing else in `uow`; returns `answer` (or why it could not write).
  boost::asio::awaitable<Failure> deny(UnitOfWork& uow, const AuditEntry& entry,
                                       Failure answer) const;

  const IdentityDependencies& deps_;
};

class ListAuditEvents {
 public:
  explicit ListAuditEvents(const IdentityDependencies& deps) : deps_(deps) {}
  boost::asio::awaitable<Outcome<std::vector<AuditRecord>>> operator()(
      const OperationContext& ctx, const std::optional<std::string>& action,
      const std::optional<domain::Uuid>& after, int limit) const;

 private:
  const IdentityDependencies& deps_;
};

}  // namespace brandos::application
