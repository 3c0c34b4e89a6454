#include "application/idempotency/idempotent_requests.hpp"

namespace brandos::application {

namespace asio = boost::asio;

asio::awaitable<Outcome<Claim>> IdempotentRequests::claim(const OperationContext& ctx,
                                                          const IdempotencyScope& scope) const {
  auto uow = data_.begin(ctx, Access::write_per_round_trip);
  auto claim = co_await uow->idempotency().claim(scope, lock_);
  if (!claim) co_return claim;
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return claim;
}

asio::awaitable<Outcome<void>> IdempotentRequests::settle(const OperationContext& ctx,
                                                          const IdempotencyScope& scope,
                                                          const StoredResponse& response) const {
  auto uow = data_.begin(ctx, Access::write_per_round_trip);
  if (response.status >= 500)
    uow->idempotency().release(scope);
  else
    uow->idempotency().complete(scope, response);
  co_return co_await uow->commit();
}

}  // namespace brandos::application
