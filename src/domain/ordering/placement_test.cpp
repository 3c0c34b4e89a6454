#include "domain/ordering/placement.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace brandos::domain {
namespace {

const Uuid kA = *Uuid::parse("018f0000-0000-7000-8000-0000000000a1");
const Uuid kB = *Uuid::parse("018f0000-0000-7000-8000-0000000000b2");
const Uuid kGone = *Uuid::parse("018f0000-0000-7000-8000-0000000000c3");

std::vector<StockedProduct> catalog() {
  return {{kA, "A-1", "Mug", 1250, "EUR", 5}, {kB, "B-2", "Tea", 499, "EUR", 1}};
}

TEST(PlaceOrder, PricesEveryLineInRequestOrder) {
  const auto p = place_order({{kB, 1}, {kA, 2}}, catalog(), true);
  const auto* order = std::get_if<PricedOrder>(&p);
  ASSERT_NE(order, nullptr);
  ASSERT_EQ(order->lines.size(), 2u);
  EXPECT_EQ(order->lines[0].product_id, kB);
  EXPECT_EQ(order->lines[1].line_total, 2500);
  EXPECT_EQ(order->total, 2999);
  EXPECT_EQ(order->currency, "EUR");
}

TEST(PlaceOrder, NamesEveryUnknownProductAndAForeignCustomer) {
  const auto p = place_order({{kA, 1}, {kGone, 1}}, catalog(), false);
  const auto* rejected = std::get_if<OrderRejected>(&p);
  ASSERT_NE(rejected, nullptr);
  ASSERT_EQ(rejected->issues.size(), 2u);
  EXPECT_EQ(rejected->issues[0].first, "customer_id");
  EXPECT_EQ(rejected->issues[1].first, "items[1].product_id");
}

TEST(PlaceOrder, RefusesMixedCurrenciesAndOverflowingTotals) {
  auto products = catalog();
  products[1].currency = "USD";
  const auto mixed = place_order({{kA, 1}, {kB, 1}}, products, true);
  ASSERT_TRUE(std::holds_alternative<OrderRejected>(mixed));
  EXPECT_EQ(std::get<OrderRejected>(mixed).issues[0].first, "items[1].product_id");

  products = catalog();
  products[0].price = std::numeric_limits<std::int64_t>::max() / 2 + 1;
  const auto huge = place_order({{kA, 2}}, products, true);
  ASSERT_TRUE(std::holds_alternative<OrderRejected>(huge));
  EXPECT_EQ(std::get<OrderRejected>(huge).issues[0].second, "makes the total too large");
}

TEST(PlaceOrder, ReportsTheFirstLineWithoutEnoughStock) {
  const auto p = place_order({{kA, 5}, {kB, 2}}, catalog(), true);
  const auto* out = std::get_if<OutOfStock>(&p);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->product_id, kB);
  EXPECT_EQ(out->left, 1);
  EXPECT_EQ(out->ordered, 2);
  EXPECT_TRUE(
      std::holds_alternative<PricedOrder>(place_order({{kA, 5}, {kB, 1}}, catalog(), true)));
}

}  // namespace
}  // namespace brandos::domain
