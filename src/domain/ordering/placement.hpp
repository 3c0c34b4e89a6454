#pragma once
// Placing an order, decided: given the requested items and the products they name (as locked by
// the unit of work), either the priced lines, total and currency of the order, or why it cannot
// be placed. Pure; the use case loads the inputs and writes the outcome.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "domain/catalog/product.hpp"
#include "domain/ordering/order.hpp"

namespace brandos::domain {

struct PricedLine {
  Uuid product_id;
  std::string sku;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
  std::int64_t line_total = 0;
};

struct PricedOrder {
  std::vector<PricedLine> lines;
  std::int64_t total = 0;
  std::string currency;
};

// Field problems ("items[1].product_id", message): unknown or deleted products, mixed
// currencies, a total too large, a customer of another brand.
struct OrderRejected {
  std::vector<std::pair<std::string, std::string>> issues;
};

// The first line whose product has fewer units left than ordered.
struct OutOfStock {
  Uuid product_id;
  std::string sku;
  std::int64_t left = 0;
  std::int64_t ordered = 0;
};

using Placement = std::variant<PricedOrder, OrderRejected, OutOfStock>;

// `items` must already pass check_order_items. `customer_known` is false when a customer was
// named that is not a live customer of this brand.
Placement place_order(const std::vector<OrderItemRequest>& items,
                      const std::vector<StockedProduct>& products, bool customer_known);

}  // namespace brandos::domain
