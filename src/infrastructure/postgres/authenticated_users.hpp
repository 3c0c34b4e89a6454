#pragma once
// AuthenticatedUsers on PostgreSQL: brandos.authenticated_user(tenant, user), a SECURITY DEFINER
// function of migration 0002 that answers for exactly that user of exactly that tenant. One
// statement, multiplexed over the shared connection: the cheapest round trip there is, paid by
// every authenticated request.
#include "application/ports/authenticated_users.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class AuthenticatedUsers final : public application::AuthenticatedUsers {
 public:
  explicit AuthenticatedUsers(Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<application::Outcome<std::optional<application::Principal>>> find(
      const application::OperationContext& ctx, const domain::Uuid& tenant_id,
      const domain::Uuid& user_id) override;
  void forget(const domain::Uuid&, const domain::Uuid&) override {}  // nothing is kept here

 private:
  Pool& pool_;
};

}  // namespace brandos::pg
