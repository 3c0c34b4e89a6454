#include "application/payments/take_payment.hpp"

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

Failure declined(const PaymentRecord& p) {
  return {FailureCode::payment_declined,
          "payment-declined",
          "The payment was declined (" + p.failure_code.value_or("declined") + ").",
          {}};
}

Failure failpoint_failure() {
  return failures::unavailable("A failure was injected here (failpoint).", 1);
}

}  // namespace

StoredResponse TakePayment::answer(const PaymentRecord& p, const PayCommand* command) const {
  if (p.status == domain::to_string(domain::PaymentStatus::succeeded))
    return {201, s_.documents.payment(p)};
  const Failure f = declined(p);
  if (command && command->render_refusal) return command->render_refusal(f);
  return {402, f.detail};
}

asio::awaitable<Outcome<PaymentAnswer>> TakePayment::pay(const OperationContext& ctx,
                                                         const PayCommand& c) const {
  if (auto f = lacks(ctx, Permission::payments_write)) co_return std::unexpected(*f);
  if (!c.key) throw std::logic_error("a payment request needs its Idempotency-Key");
  if (!domain::valid_payment_method(c.payment_method))
    co_return std::unexpected(failures::validation(
        {{"payment_method", "must be 1 to 255 visible ASCII characters, such as pm_card_visa"}}));
  const PaymentRequestKey request{c.key->user_id, c.key->key, c.key->fingerprint};

  // Recovery point 1: the payment is recorded before the gateway hears of it.
  auto uow = s_.data.begin(ctx, Access::write);
  auto locked = co_await uow->orders().lock(c.order_id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked) {
    co_await uow->rollback();
    co_return std::unexpected(failures::not_found());
  }
  const OrderRecord& order = **locked;
  auto claim = uow->idempotency().claim(*c.key);  // after the order's lock: see ADR 0018
  auto situation = co_await uow->payments().payment_situation(c.order_id, request);
  if (!situation) co_return std::unexpected(situation.error());
  if (const Claim cl = claim->result(); cl.result != ClaimResult::claimed) {
    co_await uow->rollback();
    co_return PaymentAnswer{std::nullopt, cl};
  }

  PaymentRecord payment;
  std::optional<Failure> refusal;
  if (situation->by_request) {
    // This key made a payment before, and its answer was never stored: a crash, a 503, or the
    // settlement job finished it meanwhile.
    const PaymentRecord& earlier = *situation->by_request;
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
    std::optional<PaymentRecord> taken;
    if (!earlier.attempt_running) {
      auto take = co_await uow->payments().take(earlier.id, s_.lease);
      if (!take) co_return std::unexpected(take.error());
      taken = std::move(*take);
    }
    if (!taken) {  // its first request (or the job) is still at it
      co_await uow->rollback();
      co_return PaymentAnswer{std::nullopt, Claim{ClaimResult::in_flight, std::nullopt}};
    }
    payment = std::move(*taken);
  } else if (domain::parse_order_status(order.status) != domain::OrderStatus::pending_payment) {
    refusal = failures::conflict("invalid-state-transition",
                                 "An order that is " + order.status + " cannot be paid.");
  } else if (situation->live_on_order) {
    refusal = failures::conflict(
        "payment-in-progress",
        "Another payment of this order is being processed; retry once it has settled.");
  } else if (auto problem = domain::payment_amount_problem(
                 c.amount, domain::outstanding(order.total, order.paid_amount))) {
    refusal = failures::validation({{"amount", *problem}});
  } else if (auto down = s_.gateway.refusing()) {
    // The gateway's breaker is open: refused before anything is recorded (nothing to settle).
    co_await uow->rollback();
    co_return std::unexpected(std::move(*down));
  } else {
    auto now = co_await uow->now();
    if (!now) co_return std::unexpected(now.error());
    payment.id = s_.ids.new_id();
    payment.order_id = order.id;
    payment.status = domain::to_string(domain::PaymentStatus::pending);
    payment.amount = domain::outstanding(order.total, order.paid_amount);
    payment.currency = order.currency;
    payment.provider = s_.gateway.provider();
    payment.payment_method = c.payment_method;
    payment.request_fingerprint = c.key->fingerprint;
    payment.created_at = *now;
    uow->payments().add(payment, request, s_.lease);
  }
  if (refusal) {
    auto refused = refuse_with_key(*uow, c, std::move(*refusal));
    co_return co_await std::move(refused);
  }
  auto recorded = co_await uow->commit();
  if (!recorded) co_return std::unexpected(recorded.error());
  if (failpoint("payment.recorded") == FailpointAction::fail) {
    co_await release(ctx, payment);
    co_return std::unexpected(failpoint_failure());
  }
  auto settled = co_await charge_and_settle(ctx, payment, &c, false);
  if (!settled) co_return std::unexpected(settled.error());
  co_return PaymentAnswer{std::move(*settled), std::nullopt};
}

asio::awaitable<Outcome<StoredResponse>> TakePayment::charge_and_settle(
    const OperationContext& ctx, const PaymentRecord& payment, const PayCommand* command,
    bool ask_first) const {
  // Recovery point 2: the gateway, between transactions, keyed by the payment's id.
  const std::string key = payment.id.to_string();
  std::optional<GatewayCharge> outcome;
  if (ask_first) {
    auto found = co_await s_.gateway.find_charge(ctx, key);
    if (!found) {
      co_await release(ctx, payment);
      co_return std::unexpected(found.error());
    }
    outcome = std::move(*found);
  }
  if (!outcome) {
    // Named, not a temporary in the co_await (GCC 12 destroys such temporaries twice).
    const ChargeRequest request{key, payment.amount, payment.currency, payment.payment_method,
                                payment.order_id.to_string()};
    auto charged = co_await s_.gateway.charge(ctx, request);
    if (!charged) {
      co_await release(ctx, payment);
      co_return std::unexpected(charged.error());
    }
    outcome = std::move(*charged);
  }
  if (failpoint("payment.charged") == FailpointAction::fail) {
    co_await release(ctx, payment);
    co_return std::unexpected(failpoint_failure());
  }

  // Recovery point 3: the outcome, with everything that follows from it, in one transaction.
  auto uow = s_.data.begin(ctx, Access::write);
  auto locked_order = co_await uow->orders().lock(payment.order_id);
  if (!locked_order) co_return std::unexpected(locked_order.error());
  auto locked = co_await uow->payments().lock(payment.id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked_order || !*locked) throw std::logic_error("a recorded payment lost its order");
  OrderRecord o = std::move(**locked_order);
  PaymentRecord p = std::move(**locked);
  const bool settled_now = p.status == domain::to_string(domain::PaymentStatus::pending);
  if (settled_now) {
    auto now = co_await uow->now();
    if (!now) co_return std::unexpected(now.error());
    p.provider_reference =
        outcome->reference.empty() ? std::nullopt : std::optional<std::string>(outcome->reference);
    const std::string actor = ctx.principal ? ctx.principal->user_id.to_string() : "system";
    if (outcome->succeeded) {
      p.status = domain::to_string(domain::PaymentStatus::succeeded);
      // No other path leaves pending_payment while a payment is pending (cancelling and the
      // expiry both refuse), so anything else is a bug.
      const auto from = domain::parse_order_status(o.status);
      const auto to = from ? domain::next_status(*from, domain::OrderAction::pay) : std::nullopt;
      if (!to) throw std::logic_error("a pending payment's order left pending_payment");
      o.status = domain::to_string(*to);
      o.paid_amount += p.amount;
      o.version += 1;
      o.updated_at = *now;
      uow->payments().settle(p);
      uow->orders().save_amounts(o);
      uow->orders().add_history(
          {{o.id,
            {s_.ids.new_id(), "order.paid", *now, actor,
             s_.documents.money_movement(p.id, p.amount, p.currency, std::nullopt)}}});
      uow->outbox().add(std::vector<OutboxEvent>{
          {s_.ids.new_id(), "payment.succeeded", "payment", p.id, 1, s_.documents.payment(p)},
          {s_.ids.new_id(), "order.paid", "order", o.id, o.version, s_.documents.order(o)}});
    } else {
      p.status = domain::to_string(domain::PaymentStatus::failed);
      p.failure_code = outcome->decline_code.empty() ? "declined" : outcome->decline_code;
      uow->payments().settle(p);
      uow->orders().add_history(
          {{o.id,
            {s_.ids.new_id(), "payment.failed", *now, actor,
             s_.documents.money_movement(p.id, p.amount, p.currency, p.failure_code)}}});
      uow->outbox().add(
          {s_.ids.new_id(), "payment.failed", "payment", p.id, 1, s_.documents.payment(p)});
    }
  }
  const bool paid_here = p.status == domain::to_string(domain::PaymentStatus::succeeded) &&
                         o.status == domain::to_string(domain::OrderStatus::paid) && settled_now;
  StoredResponse r = answer(p, command);
  if (command && command->key) uow->idempotency().complete(*command->key, r);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  if (paid_here && s_.business) s_.business->order_paid(p.currency, p.amount);
  failpoint("payment.settled");
  co_return r;
}

asio::awaitable<void> TakePayment::release(const OperationContext& ctx,
                                           const PaymentRecord& payment) const {
  // Best effort: if this fails too, the lease lapses by itself.
  auto uow = s_.data.begin(ctx, Access::write_per_round_trip);
  uow->payments().release(payment.id, payment.attempts);
  auto done = co_await uow->commit();
  (void)done;
}

asio::awaitable<Outcome<std::vector<PaymentRecord>>> TakePayment::list(
    const OperationContext& ctx, const domain::Uuid& order_id) const {
  if (auto f = lacks(ctx, Permission::payments_read)) co_return std::unexpected(*f);
  auto uow = s_.data.begin(ctx, Access::read);
  auto order = co_await uow->orders().get(order_id);
  if (!order) co_return std::unexpected(order.error());
  if (!*order) co_return std::unexpected(failures::not_found());
  co_return co_await uow->payments().list(order_id);
}

asio::awaitable<Outcome<bool>> TakePayment::finish(const OperationContext& ctx,
                                                   const domain::Uuid& payment_id) const {
  auto uow = s_.data.begin(ctx, Access::write_per_round_trip);
  auto taken = co_await uow->payments().take(payment_id, s_.lease);
  if (!taken) co_return std::unexpected(taken.error());
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  if (!*taken) co_return false;
  if ((*taken)->provider != s_.gateway.provider())  // its lease lapses; an operator decides
    co_return std::unexpected(failures::conflict(
        "provider-mismatch", "The payment was made with provider " + (*taken)->provider + ", not " +
                                 s_.gateway.provider() + "."));
  auto settled = co_await charge_and_settle(ctx, **taken, nullptr, true);
  if (!settled) co_return std::unexpected(settled.error());
  co_return true;
}

}  // namespace brandos::application
