#pragma once
// A payment's or refund's refusal decided while its Idempotency-Key is claimed and the order
// locked: stored with the key in that same transaction, since a refusal recorded later, in a
// transaction of its own, could land on a key that a retry has used to pay meanwhile (ADR 0018).
#include <boost/asio/awaitable.hpp>
#include <utility>

#include "application/payments/take_payment.hpp"

namespace brandos::application {

// `c` is a PayCommand or a RefundCommand. Without a renderer (no key to store it with), the
// transaction is rolled back and the refusal returned as it is.
template <class Command>
boost::asio::awaitable<Outcome<PaymentAnswer>> refuse_with_key(UnitOfWork& uow, const Command& c,
                                                               Failure refusal) {
  if (!c.render_refusal) {
    co_await uow.rollback();
    co_return std::unexpected(std::move(refusal));
  }
  StoredResponse r = c.render_refusal(refusal);
  uow.idempotency().complete(*c.key, r);
  auto done = co_await uow.commit();
  if (!done) co_return std::unexpected(done.error());
  co_return PaymentAnswer{std::move(r), std::nullopt};
}

}  // namespace brandos::application
