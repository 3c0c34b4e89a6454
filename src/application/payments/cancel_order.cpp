#include "application/payments/cancel_order.hpp"

#include <stdexcept>

#include "application/authorization.hpp"
#include "application/failpoints.hpp"
#include "application/payments/refund_payment.hpp"
#include "domain/ordering/order.hpp"
#include "domain/payments/payment.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::CancellationStep;
using domain::Permission;

namespace {

std::string actor_of(const OperationContext& ctx) {
  return ctx.principal ? ctx.principal->user_id.to_string() : "system";
}

Failure in_progress() {
  return failures::conflict("cancellation-in-progress",
                            "The order is being cancelled already; retry shortly.");
}

Failure injected() {
  return failures::unavailable("A failure was injected here (failpoint).", 1);
}

}  // namespace

asio::awaitable<Outcome<OrderRecord>> CancelOrder::cancel(const OperationContext& ctx,
                                                          const domain::Uuid& order_id,
                                                          std::string reason) const {
  if (reason.size() > 500)
    co_return std::unexpected(failures::validation({{"reason", "must be at most 500 characters"}}));
  if (auto f = lacks(ctx, Permission::orders_write)) co_return std::unexpected(*f);

  auto uow = s_.data.begin(ctx, Access::write);
  auto locked = co_await uow->orders().lock(order_id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked) co_return std::unexpected(failures::not_found());
  OrderRecord o = std::move(**locked);
  if (domain::parse_order_status(o.status) != domain::OrderStatus::paid) {
    // Nothing to refund: cancelled at once (or refused) as before. Should the order be paid in
    // between, that cancel refuses and a retry comes back here.
    co_await uow->rollback();
    co_return co_await orders_.cancel(ctx, order_id, std::move(reason));
  }
  auto situation = co_await uow->payments().refund_situation(order_id, std::nullopt);
  if (!situation) co_return std::unexpected(situation.error());
  domain::Uuid cancellation_id;
  int attempts = 1;
  if (const auto& running = situation->running_cancellation) {
    if (running->attempt_running) co_return std::unexpected(in_progress());
    auto taken = co_await uow->payments().take_cancellation(running->id, s_.lease);
    if (!taken) co_return std::unexpected(taken.error());
    if (!*taken) co_return std::unexpected(in_progress());
    cancellation_id = running->id;
    attempts = (*taken)->attempts;
  } else if (situation->in_progress > 0) {
    co_return std::unexpected(failures::conflict(
        "refund-in-progress", "A refund of this order is being processed; retry once it settled."));
  } else if (!situation->succeeded_payment) {
    throw std::logic_error("a paid order without a succeeded payment");
  } else {
    auto now = co_await uow->now();
    if (!now) co_return std::unexpected(now.error());
    CancellationRecord c;
    c.id = s_.ids.new_id();
    c.order_id = o.id;
    c.step = domain::to_string(CancellationStep::refunding);
    c.reason = reason;
    c.actor = actor_of(ctx);
    RefundRecord r;
    r.id = s_.ids.new_id();
    r.order_id = o.id;
    r.payment_id = situation->succeeded_payment->id;
    r.status = domain::to_string(domain::PaymentStatus::pending);
    r.amount = o.paid_amount - o.refunded_amount;
    r.currency = o.currency;
    r.reason = reason.empty() ? "cancelled" : reason;
    r.cancellation_id = c.id;
    uow->payments().add_cancellation(c, s_.lease);
    uow->payments().add_refund(r, std::nullopt, s_.lease);
    uow->orders().add_history({{o.id,
                                {s_.ids.new_id(), "order.cancellation_started", *now, c.actor,
                                 s_.documents.reason(reason)}}});
    cancellation_id = c.id;
  }
  auto started = co_await uow->commit();
  if (!started) co_return std::unexpected(started.error());
  if (failpoint("cancellation.started") == FailpointAction::fail) {
    co_await release(ctx, cancellation_id, attempts);
    co_return std::unexpected(injected());
  }
  co_return co_await run(ctx, order_id, cancellation_id, attempts);
}

asio::awaitable<Outcome<OrderRecord>> CancelOrder::run(const OperationContext& ctx,
                                                       const domain::Uuid& order_id,
                                                       const domain::Uuid& id, int attempts) const {
  const std::string actor = actor_of(ctx);
  // Each pass is one step's transaction; a saga has three steps, so five passes are plenty (a
  // pass that finds the saga past its step just looks again).
  for (int pass = 0; pass < 5; ++pass) {
    auto uow = s_.data.begin(ctx, Access::write);
    auto locked_order = co_await uow->orders().lock(order_id);
    if (!locked_order) co_return std::unexpected(locked_order.error());
    auto locked = co_await uow->payments().lock_cancellation(id);
    if (!locked) co_return std::unexpected(locked.error());
    if (!*locked_order || !*locked) throw std::logic_error("a cancellation lost its order");
    OrderRecord o = std::move(**locked_order);
    // (No structured bindings: GCC 12 mishandles them across a coroutine's suspension points.)
    auto saga_and_refund = std::move(**locked);
    CancellationRecord& c = saga_and_refund.first;
    const RefundRecord& refund = saga_and_refund.second;
    const auto step = domain::parse_cancellation_step(c.step);
    if (!step) throw std::logic_error("a cancellation at an unknown step");
    auto now = co_await uow->now();
    if (!now) co_return std::unexpected(now.error());
    const char* failpoint_after = nullptr;
    switch (*step) {
      case CancellationStep::completed:
        co_await uow->rollback();
        co_return o;
      case CancellationStep::compensated:
        co_await uow->rollback();
        co_return std::unexpected(
            failures::conflict("cancellation-failed",
                               "The order could not be cancelled: the payment provider "
                               "refused its refund (" +
                                   c.last_error.value_or("refused") + "). It stays paid."));
      case CancellationStep::refunding: {
        // The gateway is asked outside any transaction; its answer is applied under the locks.
        co_await uow->rollback();
        const RefundRequest request{refund.id.to_string(), refund.charge_reference, refund.amount};
        auto outcome = co_await s_.gateway.refund(ctx, request);
        if (!outcome) {
          co_await release(ctx, id, attempts);
          co_return std::unexpected(outcome.error());
        }
        if (failpoint("cancellation.refund_answered") == FailpointAction::fail) {
          co_await release(ctx, id, attempts);
          co_return std::unexpected(injected());
        }
        auto step_uow = s_.data.begin(ctx, Access::write);
        auto again_order = co_await step_uow->orders().lock(order_id);
        if (!again_order) co_return std::unexpected(again_order.error());
        auto again = co_await step_uow->payments().lock_cancellation(id);
        if (!again) co_return std::unexpected(again.error());
        if (!*again_order || !*again) throw std::logic_error("a cancellation lost its order");
        OrderRecord order = std::move(**again_order);
        auto again_pair = std::move(**again);
        CancellationRecord& saga = again_pair.first;
        RefundRecord& r = again_pair.second;
        if (saga.step != domain::to_string(CancellationStep::refunding) ||
            r.status != domain::to_string(domain::PaymentStatus::pending)) {
          co_await step_uow->rollback();  // someone else applied it meanwhile
          continue;
        }
        auto step_now = co_await step_uow->now();
        if (!step_now) co_return std::unexpected(step_now.error());
        settle_refund(*step_uow, s_, order, r, *outcome, *step_now, actor, true);
        if (outcome->succeeded) {
          saga.step = domain::to_string(CancellationStep::releasing_stock);
        } else {
          saga.step = domain::to_string(CancellationStep::compensated);
          saga.last_error = r.failure_code;
          step_uow->orders().add_history(
              {{order.id,
                {s_.ids.new_id(), "order.cancellation_failed", *step_now, actor,
                 s_.documents.reason("refund refused: " + r.failure_code.value_or("failed"))}}});
        }
        step_uow->payments().advance_cancellation(saga);
        auto done = co_await step_uow->commit();
        if (!done) co_return std::unexpected(done.error());
        if (s_.business && outcome->succeeded) s_.business->refunded(r.currency, r.amount);
        failpoint_after = "cancellation.refunded";
        break;
      }
      case CancellationStep::releasing_stock:
        uow->products().release_order_stock(o.id);
        uow->orders().add_history({{o.id, {s_.ids.new_id(), "stock.released", *now, actor, "{}"}}});
        c.step = domain::to_string(CancellationStep::marking_cancelled);
        uow->payments().advance_cancellation(c);
        failpoint_after = "cancellation.stock_released";
        break;
      case CancellationStep::marking_cancelled: {
        const auto from = domain::parse_order_status(o.status);
        const auto to =
            from ? domain::next_status(*from, domain::OrderAction::cancel) : std::nullopt;
        if (!to) throw std::logic_error("a cancelling order left paid");
        o.status = domain::to_string(*to);
        o.version += 1;
        o.updated_at = *now;
        uow->orders().save_amounts(o);
        uow->orders().add_history(
            {{o.id,
              {s_.ids.new_id(), "order.cancelled", *now, c.actor, s_.documents.reason(c.reason)}}});
        uow->outbox().add(
            {s_.ids.new_id(), "order.cancelled", "order", o.id, o.version, s_.documents.order(o)});
        c.step = domain::to_string(CancellationStep::completed);
        uow->payments().advance_cancellation(c);
        failpoint_after = "cancellation.completed";
        break;
      }
    }
    if (*step != CancellationStep::refunding) {
      auto done = co_await uow->commit();
      if (!done) co_return std::unexpected(done.error());
      if (*step == CancellationStep::marking_cancelled && s_.business)
        s_.business->order_cancelled();
    }
    if (failpoint(failpoint_after) == FailpointAction::fail) {
      co_await release(ctx, id, attempts);
      co_return std::unexpected(injected());
    }
  }
  co_return std::unexpected(in_progress());
}

asio::awaitable<void> CancelOrder::release(const OperationContext& ctx, const domain::Uuid& id,
                                           int attempts) const {
  auto uow = s_.data.begin(ctx, Access::write_per_round_trip);
  uow->payments().release_cancellation(id, attempts);
  auto done = co_await uow->commit();
  (void)done;
}

asio::awaitable<Outcome<bool>> CancelOrder::resume(const OperationContext& ctx,
                                                   const domain::Uuid& cancellation_id) const {
  auto uow = s_.data.begin(ctx, Access::write_per_round_trip);
  auto taken = co_await uow->payments().take_cancellation(cancellation_id, s_.lease);
  if (!taken) co_return std::unexpected(taken.error());
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  if (!*taken) co_return false;
  auto finished = co_await run(ctx, (*taken)->order_id, cancellation_id, (*taken)->attempts);
  if (!finished && finished.error().slug != "cancellation-failed")
    co_return std::unexpected(finished.error());
  co_return true;
}

}  // namespace brandos::application
