#include "domain/catalog/product.hpp"

#include <gtest/gtest.h>

#include "domain/money.hpp"

namespace brandos::domain {
namespace {

TEST(Sku, FollowsThePattern) {
  EXPECT_TRUE(valid_sku("TSHIRT-BLK.L_2"));
  EXPECT_TRUE(valid_sku(std::string(64, 'a')));
  EXPECT_FALSE(valid_sku(""));
  EXPECT_FALSE(valid_sku(std::string(65, 'a')));
  EXPECT_FALSE(valid_sku("with space"));
  EXPECT_FALSE(valid_sku("ümlaut"));
}

TEST(Stock, NeverGoesNegativeOrOverflows) {
  EXPECT_EQ(stock_after(10, -10), 0);
  EXPECT_EQ(stock_after(10, 5), 15);
  EXPECT_FALSE(stock_after(10, -11));
  EXPECT_FALSE(stock_after(INT64_MAX, 1));
  EXPECT_FALSE(stock_after(0, kMaxStock + 1));
}

TEST(Currency, AcceptsActiveIsoCodesOnly) {
  EXPECT_TRUE(valid_currency("EUR"));
  EXPECT_TRUE(valid_currency("JPY"));
  EXPECT_FALSE(valid_currency("eur"));
  EXPECT_FALSE(valid_currency("EURO"));
  EXPECT_FALSE(valid_currency("XXX"));
  std::int64_t out = 0;
  EXPECT_TRUE(add_money(1999, 1, out));
  EXPECT_EQ(out, 2000);
  EXPECT_FALSE(add_money(INT64_MAX, 1, out));
}

}  // namespace
}  // namespace brandos::domain
