#pragma once
// AuthenticatedUsers with the node's PrincipalCache in front of the database's (one per I/O
// thread, sharing one cache).
#include "application/ports/authenticated_users.hpp"
#include "infrastructure/local/principal_cache.hpp"

namespace brandos::local {

class CachedAuthenticatedUsers final : public application::AuthenticatedUsers {
 public:
  CachedAuthenticatedUsers(application::AuthenticatedUsers& database, PrincipalCache& cache)
      : database_(database), cache_(cache) {}

  boost::asio::awaitable<application::Outcome<std::optional<application::Principal>>> find(
      const application::OperationContext& ctx, const domain::Uuid& tenant_id,
      const domain::Uuid& user_id) override;
  void forget(const domain::Uuid& tenant_id, const domain::Uuid& user_id) override;

 private:
  application::AuthenticatedUsers& database_;
  PrincipalCache& cache_;
};

}  // namespace brandos::local
