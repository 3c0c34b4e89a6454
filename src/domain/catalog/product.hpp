#pragma once
// Catalog rules that need no storage: what a valid SKU, product name and stock change are.
// Stock never goes below zero: the use cases apply these rules to rows the unit of work locked, and
// a CHECK in the database backs them up.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/uuid.hpp"

namespace brandos::domain {

// ^[A-Za-z0-9._-]{1,64}$
bool valid_sku(std::string_view sku);
// 1..200 code points, no control characters (same rule as display names).
bool valid_product_name(std::string_view name);
// Up to 5000 code points.
bool valid_product_description(std::string_view text);
// Stock after applying `delta`, or nullopt if it would go below zero or overflow.
std::optional<std::int64_t> stock_after(std::int64_t stock, std::int64_t delta);

// A product as an order sees it: what it costs and how many are left.
struct StockedProduct {
  Uuid id;
  std::string sku;
  std::string name;
  std::int64_t price = 0;
  std::string currency;
  std::int64_t stock = 0;
};

inline constexpr std::int64_t kMaxStock = 1'000'000'000'000;
inline constexpr std::int64_t kMaxPrice = 1'000'000'000'000'000;  // 10^15 minor units

}  // namespace brandos::domain
