#include "domain/ordering/order.hpp"

#include <gtest/gtest.h>

namespace brandos::domain {
namespace {

using S = OrderStatus;
using A = OrderAction;

TEST(OrderStateMachine, AllowsExactlyTheDocumentedTransitions) {
  const S all[] = {S::pending_payment, S::paid, S::fulfilled, S::cancelled, S::refunded};
  const A actions[] = {A::pay, A::fulfill, A::cancel, A::refund_in_full};
  int allowed = 0;
  for (S s : all)
    for (A a : actions) allowed += next_status(s, a).has_value();
  EXPECT_EQ(allowed, 6);
  EXPECT_EQ(next_status(S::pending_payment, A::pay), S::paid);
  EXPECT_EQ(next_status(S::paid, A::fulfill), S::fulfilled);
  EXPECT_EQ(next_status(S::pending_payment, A::cancel), S::cancelled);
  EXPECT_EQ(next_status(S::paid, A::cancel), S::cancelled);
  EXPECT_EQ(next_status(S::paid, A::refund_in_full), S::refunded);
  EXPECT_EQ(next_status(S::fulfilled, A::refund_in_full), S::refunded);
  EXPECT_FALSE(next_status(S::fulfilled, A::cancel));
  EXPECT_FALSE(next_status(S::cancelled, A::pay));
  EXPECT_FALSE(next_status(S::pending_payment, A::fulfill));
  EXPECT_TRUE(releases_stock(S::paid, A::cancel));
  EXPECT_FALSE(releases_stock(S::fulfilled, A::refund_in_full));
  for (S s : all) EXPECT_EQ(parse_order_status(to_string(s)), s);
}

TEST(OrderItems, AreBoundedDistinctAndPositive) {
  const Uuid a = *Uuid::parse("018f0000-0000-7000-8000-00000000000a");
  const Uuid b = *Uuid::parse("018f0000-0000-7000-8000-00000000000b");
  EXPECT_TRUE(check_order_items({{a, 1}, {b, 1000}}).empty());
  EXPECT_EQ(check_order_items({}).front().first, "items");
  EXPECT_EQ(check_order_items(std::vector<OrderItemRequest>(101, {a, 1})).front().first, "items");
  const auto dup = check_order_items({{a, 1}, {a, 2}});
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0].first, "items[1].product_id");
  const auto qty = check_order_items({{a, 0}, {b, 1001}});
  ASSERT_EQ(qty.size(), 2u);
  EXPECT_EQ(qty[0].first, "items[0].quantity");
  EXPECT_EQ(qty[1].first, "items[1].quantity");
  EXPECT_EQ(line_total(3, 1999), 5997);
  EXPECT_FALSE(line_total(1000, INT64_MAX / 10));
}

}  // namespace
}  // namespace brandos::domain
