#pragma once
// Catalog rules that need no storage: what a valid SKU, product name and stock change are.
// Stock never goes below zero; the database enforces it atomically (a CHECK and a conditional
// UPDATE), these functions let the application reject nonsense before any I/O.
#include <cstdint>
#include <optional>
#include <string_view>

namespace brandos::domain {

// ^[A-Za-z0-9._-]{1,64}$
bool valid_sku(std::string_view sku);
// 1..200 code points, no control characters (same rule as display names).
bool valid_product_name(std::string_view name);
// Up to 5000 code points.
bool valid_product_description(std::string_view text);
// Stock after applying `delta`, or nullopt if it would go below zero or overflow.
std::optional<std::int64_t> stock_after(std::int64_t stock, std::int64_t delta);

inline constexpr std::int64_t kMaxStock = 1'000'000'000'000;
inline constexpr std::int64_t kMaxPrice = 1'000'000'000'000'000;  // 10^15 minor units

}  // namespace brandos::domain
