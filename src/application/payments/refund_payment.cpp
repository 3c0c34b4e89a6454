#include "application/payments/refund_payment.hpp"

#include <stdexcept>

#include "application/authorization.hpp"
#include "application/failpoints.hpp"
#include "application/payments/refusal_with_key.hpp"
#include "domain/ordering/order.hpp"
#include "domain/payments/payment.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;

namespace {

Failure refused(const RefundRecord& r) {
  return failures::conflict("refund-declined", "The payment provider refused the refund (" +
                                                   r.failure_code.value_or("failed") + ").");
}

std::string actor_of(const OperationContext& ctx) {
  return ctx.principal ? ctx.principal->user_id.to_string() : "system";
}

}  // namespace

void settle_refund(UnitOfWork& uow, const PaymentServices& s, OrderRecord& o, RefundRecord& r,
                   const GatewayRefund& outcome, const std::string& now, const std::string& actor,
                   bool cancelling) {
  if (!outcome.reference.empty()) r.provider_reference = outcome.reference;
  if (!outcome.succeeded) {
    r.status = domain::to_string(domain::PaymentStatus::failed);
    r.failure_code = outcome.failure_code.empty() ? "failed" : outcome.failure_code;
    uow.payments().settle_refund(r);
    uow.orders().add_history(
        {{o.id,
          {s.ids.new_id(), "refund.failed", now, actor,
           s.documents.money_movement(r.id, r.amount, r.currency, r.failure_code)}}});
    return;
  }
  r.status = domain::to_string(domain::PaymentStatus::succeeded);
  uow.payments().settle_refund(r);
  o.refunded_amount += r.amount;
  o.version += 1;
  o.updated_at = now;
  std::vector<OrderHistoryEntry> history{
      {o.id,
       {s.ids.new_id(), "refund.succeeded", now, actor,
        s.documents.money_movement(r.id, r.amount, r.currency, std::nullopt)}}};
  std::vector<OutboxEvent> events{
      {s.ids.new_id(), "refund.succeeded", "refund", r.id, 1, s.documents.refund(r)}};
  if (!cancelling && o.refunded_amount >= o.paid_amount) {
    const auto from = domain::parse_order_status(o.status);
    const auto to =
        from ? domain::next_status(*from, domain::OrderAction::refund_in_full) : std::nullopt;
    if (!to) throw std::logic_error("a refund settled on an order that cannot be refunded");
    o.status = domain::to_string(*to);
    history.push_back({o.id, {s.ids.new_id(), "order.refunded", now, actor, "{}"}});
    events.push_back(
        {s.ids.new_id(), "order.refunded", "order", o.id, o.version, s.documents.order(o)});
  }
  uow.orders().save_amounts(o);
  uow.orders().add_history(history);
  uow.outbox().add(events);
}

StoredResponse RefundPayment::answer(const RefundRecord& r, const RefundCommand* command) const {
  if (r.status == domain::to_string(domain::PaymentStatus::succeeded))
    return {201, s_.documents.refund(r)};
  const Failure f = refused(r);
  if (command && command->render_refusal) return command->render_refusal(f);
  return {409, f.detail};
}

asio::awaitable<Outcome<PaymentAnswer>> RefundPayment::refund(const OperationContext& ctx,
                                                              const RefundCommand& c) const {
  if (auto f = lacks(ctx, Permission::refunds_write)) co_return std::unexpected(*f);
  if (!c.key) throw std::logic_error("a refund request needs its Idempotency-Key");
  if (c.reason.size() > 500)
    co_return std::unexpected(failures::validation({{"reason", "must be at most 500 characters"}}));
  if (c.amount <= 0)
    co_return std::unexpected(failures::validation({{"amount", "must be a positive amount"}}));
  const PaymentRequestKey request{c.key->user_id, c.key->key, c.key->fingerprint};

  auto uow = s_.data.begin(ctx, Access::write);
  auto locked = co_await uow->orders().lock(c.order_id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked) {
    co_await uow->rollback();
    co_return std::unexpected(failures::not_found());
  }
  const OrderRecord& order = **locked;
  auto claim = uow->idempotency().claim(*c.key);
  auto situation = co_await uow->payments().refund_situation(c.order_id, request);
  if (!situation) co_return std::unexpected(situation.error());
  if (const Claim cl = claim->result(); cl.result != ClaimResult::claimed) {
    co_await uow->rollback();
    co_return PaymentAnswer{std::nullopt, cl};
  }

  RefundRecord refund;
  std::optional<Failure> refusal;
  const auto status = domain::parse_order_status(order.status);
  if (situation->by_request) {
    const RefundRecord& earlier = *situation->by_request;
    if (earlier.request_fingerprint != c.key->fingerprint) {
      co_await uow->rollback();
      co_return PaymentAnswer{std::nullopt, Claim{ClaimResult::mismatch, std::nullopt}};
    }
    if (earlier.status != domain::to_string(domain::PaymentStatus::pending)) {
      StoredResponse r = answer(earlier, &c);
      uow->idempotency().complete(*c.key, r);
      auto done = co_await uow->commit();
      if (!done) co_return std::unexpected(done.error());
      co_return PaymentAnswer{std::move(r), std::nullopt};
    }
    if (auto down = s_.gateway.refusing()) {
      co_await uow->rollback();
      co_return std::unexpected(std::move(*down));
    }
    std::optional<RefundRecord> taken;
    if (!earlier.attempt_running) {
      auto take = co_await uow->payments().take_refund(earlier.id, s_.lease);
      if (!take) co_return std::unexpected(take.error());
      taken = std::move(*take);
    }
    if (!taken) {
      co_await uow->rollback();
      co_return PaymentAnswer{std::nullopt, Claim{ClaimResult::in_flight, std::nullopt}};
    }
    refund = std::move(*taken);
  } else if (status != domain::OrderStatus::paid && status != domain::OrderStatus::fulfilled) {
    refusal = failures::conflict("invalid-state-transition",
                                 "An order that is " + order.status + " cannot be refunded.");
  } else if (situation->running_cancellation) {
    refusal = failures::conflict("cancellation-in-progress",
                                 "The order is being cancelled; its refund is part of that.");
  } else if (!situation->succeeded_payment) {
    throw std::logic_error("a paid order without a succeeded payment");
  } else if (auto problem = domain::refund_amount_problem(
                 c.amount, domain::refundable(order.paid_amount, order.refunded_amount,
                                              situation->in_progress))) {
    refusal = failures::validation({{"amount", *problem}});
  } else if (auto down = s_.gateway.refusing()) {
    co_await uow->rollback();
    co_return std::unexpected(std::move(*down));
  } else {
    auto now = co_await uow->now();
    if (!now) co_return std::unexpected(now.error());
    refund.id = s_.ids.new_id();
    refund.order_id = order.id;
    refund.payment_id = situation->succeeded_payment->id;
    refund.charge_reference = situation->succeeded_payment->provider_reference.value_or("");
    refund.status = domain::to_string(domain::PaymentStatus::pending);
    refund.amount = c.amount;
    refund.currency = order.currency;
    refund.reason = c.reason;
    refund.request_fingerprint = c.key->fingerprint;
    refund.created_at = *now;
    uow->payments().add_refund(refund, request, s_.lease);
  }
  if (refusal) {
    auto refused = refuse_with_key(*uow, c, std::move(*refusal));
    co_return co_await std::move(refused);
  }
  auto recorded = co_await uow->commit();
  if (!recorded) co_return std::unexpected(recorded.error());
  if (failpoint("refund.recorded") == FailpointAction::fail) {
    co_await release(ctx, refund);
    co_return std::unexpected(failures::unavailable("A failure was injected here (failpoint).", 1));
  }
  auto settled = co_await refund_and_settle(ctx, refund, &c);
  if (!settled) co_return std::unexpected(settled.error());
  co_return PaymentAnswer{std::move(*settled), std::nullopt};
}

asio::awaitable<Outcome<StoredResponse>> RefundPayment::refund_and_settle(
    const OperationContext& ctx, const RefundRecord& refund, const RefundCommand* command) const {
  const RefundRequest request{refund.id.to_string(), refund.charge_reference, refund.amount};
  auto outcome = co_await s_.gateway.refund(ctx, request);
  if (!outcome) {
    co_await release(ctx, refund);
    co_return std::unexpected(outcome.error());
  }
  if (failpoint("refund.answered") == FailpointAction::fail) {
    co_await release(ctx, refund);
    co_return std::unexpected(failures::unavailable("A failure was injected here (failpoint).", 1));
  }
  auto uow = s_.data.begin(ctx, Access::write);
  auto locked_order = co_await uow->orders().lock(refund.order_id);
  if (!locked_order) co_return std::unexpected(locked_order.error());
  auto locked = co_await uow->payments().lock_refund(refund.id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked_order || !*locked) throw std::logic_error("a recorded refund lost its order");
  OrderRecord o = std::move(**locked_order);
  RefundRecord r = std::move(**locked);
  const bool settled_now = r.status == domain::to_string(domain::PaymentStatus::pending);
  if (settled_now) {
    auto now = co_await uow->now();
    if (!now) co_return std::unexpected(now.error());
    settle_refund(*uow, s_, o, r, *outcome, *now, actor_of(ctx), false);
  }
  StoredResponse answer_now = answer(r, command);
  if (command && command->key) uow->idempotency().complete(*command->key, answer_now);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  if (settled_now && s_.business && outcome->succeeded) s_.business->refunded(r.currency, r.amount);
  failpoint("refund.settled");
  co_return answer_now;
}

asio::awaitable<void> RefundPayment::release(const OperationContext& ctx,
                                             const RefundRecord& refund) const {
  auto uow = s_.data.begin(ctx, Access::write_per_round_trip);
  uow->payments().release_refund(refund.id, refund.attempts);
  auto done = co_await uow->commit();
  (void)done;
}

asio::awaitable<Outcome<std::vector<RefundRecord>>> RefundPayment::list(
    const OperationContext& ctx, const domain::Uuid& order_id) const {
  if (auto f = lacks(ctx, Permission::payments_read)) co_return std::unexpected(*f);
  auto uow = s_.data.begin(ctx, Access::read);
  auto order = co_await uow->orders().get(order_id);
  if (!order) co_return std::unexpected(order.error());
  if (!*order) co_return std::unexpected(failures::not_found());
  co_return co_await uow->payments().list_refunds(order_id);
}

asio::awaitable<Outcome<bool>> RefundPayment::finish(const OperationContext& ctx,
                                                     const domain::Uuid& refund_id) const {
  auto uow = s_.data.begin(ctx, Access::write_per_round_trip);
  auto taken = co_await uow->payments().take_refund(refund_id, s_.lease);
  if (!taken) co_return std::unexpected(taken.error());
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  if (!*taken) co_return false;
  auto settled = co_await refund_and_settle(ctx, **taken, nullptr);
  if (!settled) co_return std::unexpected(settled.error());
  co_return true;
}

}  // namespace brandos::application
