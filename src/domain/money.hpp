#pragma once
// Money is an integer amount in minor units with an ISO 4217 currency (API.md): 1999 EUR is
// 19.99 EUR. Amounts never pass through floating point.
#include <cstdint>
#include <string_view>

namespace brandos::domain {

// An active ISO 4217 alphabetic code ("EUR", "USD", "JPY"...).
bool valid_currency(std::string_view code);

// a + b, or false on overflow.
bool add_money(std::int64_t a, std::int64_t b, std::int64_t& out);

}  // namespace brandos::domain
