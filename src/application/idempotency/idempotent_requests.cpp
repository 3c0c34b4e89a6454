#include "application/idempotency/idempotent_requests.hpp"

namespace brandos::application {

namespace asio = boost::asio;

asio::awaitable<Outcome<Claim>> IdempotentRequests::record(const OperationContext& ctx,
                                                           const IdempotencyScope& scope,
                                                           const StoredResponse& response) const {
  auto uow = data_.begin(ctx, Access::write);
  auto ticket = uow->idempotency().claim(scope);
  auto opened = co_await uow->now();  // the round trip that answers the claim
  if (!opened) co_return std::unexpected(opened.error());
  const Claim claim = ticket->result();
  if (claim.result != ClaimResult::claimed) {
    co_await uow->rollback();  // the key's lock goes now, not when the pool gets to it
    co_return claim;
  }
  uow->idempotency().complete(scope, response);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return claim;
}

}  // namespace brandos::application
