#include "infrastructure/local/cached_authenticated_users.hpp"

namespace brandos::local {

boost::asio::awaitable<application::Outcome<std::optional<application::Principal>>>
CachedAuthenticatedUsers::find(const application::OperationContext& ctx,
                               const domain::Uuid& tenant_id, const domain::Uuid& user_id) {
  if (auto hit = cache_.find(tenant_id, user_id)) co_return std::optional(std::move(*hit));
  const std::uint64_t generation = cache_.generation();
  auto found = co_await database_.find(ctx, tenant_id, user_id);
  if (found && *found) cache_.store(**found, generation);
  co_return found;
}

void CachedAuthenticatedUsers::forget(const domain::Uuid& tenant_id, const domain::Uuid& user_id) {
  cache_.evict(tenant_id, user_id);
  database_.forget(tenant_id, user_id);
}

}  // namespace brandos::local
