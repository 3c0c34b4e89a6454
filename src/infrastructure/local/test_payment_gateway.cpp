#include "infrastructure/local/test_payment_gateway.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace brandos::local {

namespace asio = boost::asio;
using application::Outcome;

asio::awaitable<Outcome<application::GatewayCharge>> TestPaymentGateway::charge(
    const application::OperationContext& ctx, const application::ChargeRequest& r) {
  if (r.payment_method == "pm_card_slow") {
    // The answer comes after 2 s, unless the caller's deadline comes first (then it is unknown,
    // as with a real gateway, and nothing was charged).
    const auto ready = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    if (ctx.deadline < ready)
      co_return std::unexpected(application::failures::unavailable(
          "The payment provider did not answer in time; retry shortly.", 2));
    asio::steady_timer slow(co_await asio::this_coro::executor, ready);
    co_await slow.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  std::lock_guard lock(mutex_);
  if (auto it = charges_.find(r.key); it != charges_.end()) co_return it->second.outcome;
  Charge c;
  c.amount = r.amount;
  c.outcome.reference = "ch_test_" + std::to_string(++next_);
  if (r.payment_method == "pm_card_visa" || r.payment_method == "pm_card_slow") {
    c.outcome.succeeded = true;
  } else {
    c.outcome.decline_code =
        r.payment_method == "pm_card_declined" ? "card_declined" : "unknown_payment_method";
  }
  charge_keys_[c.outcome.reference] = r.key;
  co_return charges_.emplace(r.key, std::move(c)).first->second.outcome;
}

asio::awaitable<Outcome<application::GatewayRefund>> TestPaymentGateway::refund(
    const application::OperationContext&, const application::RefundRequest& r) {
  std::lock_guard lock(mutex_);
  if (auto it = refunds_.find(r.key); it != refunds_.end()) co_return it->second;
  application::GatewayRefund out;
  out.reference = "re_test_" + std::to_string(++next_);
  auto key = charge_keys_.find(r.charge_reference);
  if (key == charge_keys_.end()) {
    // A charge this process never made (it restarted since): the test provider moves no money,
    // so the refund succeeds.
    out.succeeded = true;
  } else if (Charge& c = charges_.at(key->second); !c.outcome.succeeded) {
    out.failure_code = "charge_not_succeeded";
  } else if (r.amount > c.amount - c.refunded) {
    out.failure_code = "exceeds_refundable";
  } else {
    c.refunded += r.amount;
    out.succeeded = true;
  }
  co_return refunds_.emplace(r.key, std::move(out)).first->second;
}

asio::awaitable<Outcome<std::optional<application::GatewayCharge>>> TestPaymentGateway::find_charge(
    const application::OperationContext&, const std::string& key) {
  std::lock_guard lock(mutex_);
  if (auto it = charges_.find(key); it != charges_.end())
    co_return std::optional<application::GatewayCharge>(it->second.outcome);
  co_return std::optional<application::GatewayCharge>{};
}

}  // namespace brandos::local
