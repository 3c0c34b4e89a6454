#pragma once
// The settlement job (ADR 0018): finishes what a crash, a timeout or an unreachable gateway left
// unfinished — pending payments and refunds, running cancellations — once the lease of whoever
// drove them has lapsed. Each is taken over under a fresh lease, in a unit of work of its own
// tenant with the job's fence, and driven to its outcome by asking the gateway with the same key.
#include <functional>

#include "application/payments/cancel_order.hpp"
#include "application/payments/refund_payment.hpp"
#include "application/payments/take_payment.hpp"
#include "application/ports/maintenance.hpp"

namespace brandos::application {

class SettleUnfinishedPayments {
 public:
  SettleUnfinishedPayments(CrossTenantMaintenance& maintenance, const TakePayment& payments,
                           const RefundPayment& refunds, const CancelOrder& cancellations)
      : maintenance_(maintenance),
        payments_(payments),
        refunds_(refunds),
        cancellations_(cancellations) {}

  struct Run {
    int finished = 0;
    int failed = 0;  // left for the next run (the gateway or the database is down)
  };
  boost::asio::awaitable<Outcome<Run>> operator()(const OperationContext& ctx, int batch,
                                                  std::function<bool()> stop = {}) const;

 private:
  CrossTenantMaintenance& maintenance_;
  const TakePayment& payments_;
  const RefundPayment& refunds_;
  const CancelOrder& cancellations_;
};

}  // namespace brandos::application
