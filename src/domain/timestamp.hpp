#pragma once
// RFC 3339 date-times as the API accepts them: 2026-11-27T14:35:06Z, with an optional fraction
// (to microseconds; more digits are truncated) and a numeric offset instead of Z. Every field is
// range-checked (month, the month's days, 23:59:59 at most; a leap second is refused), so what
// passes here is a valid instant for the database too.
#include <cstdint>
#include <optional>
#include <string_view>

namespace brandos::domain {

// Unix time in microseconds, or empty when `text` is not such a date-time.
std::optional<std::int64_t> parse_rfc3339_us(std::string_view text);

}  // namespace brandos::domain
