#pragma once
// The built-in `test` payment provider (API.md): deterministic by payment method —
// pm_card_visa succeeds, pm_card_declined declines, pm_card_slow succeeds after 2 s, anything
// else declines (unknown_payment_method). Like a real gateway it performs each key once and
// answers a repeated key with the first outcome, so the payment use cases behave as they would
// with one; its memory is the process's (after a restart, a key it never saw is charged anew,
// which with this provider moves no money).
//
// Thread-safety: calls may come from any I/O thread at once (one mutex over the key tables).
#include <map>
#include <mutex>

#include "application/ports/payment_gateway.hpp"

namespace brandos::local {

class TestPaymentGateway final : public application::PaymentGateway {
 public:
  std::string provider() const override { return "test"; }
  boost::asio::awaitable<application::Outcome<application::GatewayCharge>> charge(
      const application::OperationContext& ctx, const application::ChargeRequest& r) override;
  boost::asio::awaitable<application::Outcome<application::GatewayRefund>> refund(
      const application::OperationContext& ctx, const application::RefundRequest& r) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::GatewayCharge>>>
  find_charge(const application::OperationContext& ctx, const std::string& key) override;

 private:
  struct Charge {
    application::GatewayCharge outcome;
    std::int64_t amount = 0;
    std::int64_t refunded = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Charge> charges_;                      // by key
  std::map<std::string, std::string> charge_keys_;             // reference → key
  std::map<std::string, application::GatewayRefund> refunds_;  // by key
  std::uint64_t next_ = 0;
};

}  // namespace brandos::local
