#include "domain/payments/payment.hpp"

#include <gtest/gtest.h>

namespace brandos::domain {
namespace {

TEST(PaymentRules, TheAmountDefaultsToAndMustEqualTheOutstandingTotal) {
  EXPECT_FALSE(payment_amount_problem(std::nullopt, 1999));
  EXPECT_FALSE(payment_amount_problem(1999, 1999));
  EXPECT_TRUE(payment_amount_problem(1998, 1999));
  EXPECT_TRUE(payment_amount_problem(2000, 1999));
  EXPECT_TRUE(payment_amount_problem(std::nullopt, 0));  // paid already
}

TEST(PaymentRules, RefundsAreBoundedByWhatWasPaidLessRefundedAndInProgress) {
  EXPECT_EQ(refundable(1000, 300, 200), 500);
  EXPECT_FALSE(refund_amount_problem(500, refundable(1000, 300, 200)));
  EXPECT_TRUE(refund_amount_problem(501, refundable(1000, 300, 200)));
  EXPECT_TRUE(refund_amount_problem(0, 1000));
  EXPECT_TRUE(refund_amount_problem(-5, 1000));
}

TEST(PaymentRules, ACancellationStepsForwardToCompletionAndEndsThere) {
  auto s = CancellationStep::refunding;
  s = *next_step(s);
  EXPECT_EQ(s, CancellationStep::releasing_stock);
  s = *next_step(s);
  EXPECT_EQ(s, CancellationStep::marking_cancelled);
  s = *next_step(s);
  EXPECT_EQ(s, CancellationStep::completed);
  EXPECT_TRUE(finished(s));
  EXPECT_FALSE(next_step(s));
  EXPECT_FALSE(next_step(CancellationStep::compensated));
  for (auto step : {CancellationStep::refunding, CancellationStep::releasing_stock,
                    CancellationStep::marking_cancelled, CancellationStep::completed,
                    CancellationStep::compensated})
    EXPECT_EQ(parse_cancellation_step(to_string(step)), step);
}

TEST(PaymentRules, PaymentMethodsAreVisibleAscii) {
  EXPECT_TRUE(valid_payment_method("pm_card_visa"));
  EXPECT_FALSE(valid_payment_method(""));
  EXPECT_FALSE(valid_payment_method("pm card"));
  EXPECT_FALSE(valid_payment_method(std::string(256, 'a')));
}

}  // namespace
}  // namespace brandos::domain
