#pragma once
// Customer rules that need no storage: countries, phone numbers and postal addresses.
#include <optional>
#include <string>
#include <string_view>

namespace brandos::domain {

// ISO 3166-1 alpha-2 ("DE", "FR"), from Debian's iso-codes at build time.
bool valid_country(std::string_view code);
// E.164-like: an optional '+', then 4..20 digits, spaces, dashes or parentheses.
bool valid_phone(std::string_view phone);

struct Address {
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string postal_code;
  std::string country;
};

// Field problems as (field suffix, message): "line1", "country"...
std::optional<std::pair<std::string, std::string>> check_address(const Address& a);

}  // namespace brandos::domain
