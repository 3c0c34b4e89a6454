#pragma once
// Port: the per-request re-read of an access token's subject. It runs before a unit of work
// exists (the token names the tenant, nothing has been checked yet), through a database function
// that returns the one live user of the one tenant or nothing, so it sets no tenant itself.
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "application/failure.hpp"
#include "application/operation_context.hpp"

namespace brandos::application {

class AuthenticatedUsers {
 public:
  virtual ~AuthenticatedUsers() = default;
  // The user's current role and names; nullopt when the user is gone.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<Principal>>> find(
      const OperationContext& ctx, const domain::Uuid& tenant_id, const domain::Uuid& user_id) = 0;
  // The user's role, names or existence changed (and committed): the next find() must see it.
  virtual void forget(const domain::Uuid& tenant_id, const domain::Uuid& user_id) = 0;
};

}  // namespace brandos::application
