#pragma once
// PaymentRepository on a TenantSession (SQL in payment_sql.hpp).
#include "application/ports/payment_repository.hpp"
#include "infrastructure/postgres/tenant_session.hpp"

namespace brandos::pg {

class PaymentRepository final : public application::PaymentRepository {
 public:
  PaymentRepository(TenantSession& session, const domain::Uuid& tenant)
      : s_(session), tenant_(tenant) {}

  boost::asio::awaitable<application::Outcome<application::PaymentSituation>> payment_situation(
      const domain::Uuid& order_id, const application::PaymentRequestKey& request) override;
  void add(const application::PaymentRecord& payment, const application::PaymentRequestKey& request,
           Lease lease) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::PaymentRecord>>> lock(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::PaymentRecord>>> take(
      const domain::Uuid& id, Lease lease) override;
  void settle(const application::PaymentRecord& payment) override;
  void release(const domain::Uuid& id, int attempts) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::PaymentRecord>>> list(
      const domain::Uuid& order_id) override;

  boost::asio::awaitable<application::Outcome<application::RefundSituation>> refund_situation(
      const domain::Uuid& order_id,
      const std::optional<application::PaymentRequestKey>& request) override;
  void add_refund(const application::RefundRecord& refund,
                  const std::optional<application::PaymentRequestKey>& request,
                  Lease lease) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::RefundRecord>>>
  lock_refund(const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::RefundRecord>>>
  take_refund(const domain::Uuid& id, Lease lease) override;
  void settle_refund(const application::RefundRecord& refund) override;
  void release_refund(const domain::Uuid& id, int attempts) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::RefundRecord>>> list_refunds(
      const domain::Uuid& order_id) override;

  void add_cancellation(const application::CancellationRecord& c, Lease lease) override;
  boost::asio::awaitable<application::Outcome<
      std::optional<std::pair<application::CancellationRecord, application::RefundRecord>>>>
  lock_cancellation(const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::CancellationRecord>>>
  take_cancellation(const domain::Uuid& id, Lease lease) override;
  void advance_cancellation(const application::CancellationRecord& c) override;
  void release_cancellation(const domain::Uuid& id, int attempts) override;

 private:
  TenantSession& s_;
  domain::Uuid tenant_;
};

}  // namespace brandos::pg
