#include "domain/customers/customer.hpp"

#include <algorithm>

#include "domain/identity/credentials.hpp"

namespace brandos::domain {

extern const std::string_view kIsoCountries[];
extern const std::size_t kIsoCountryCount;

bool valid_country(std::string_view code) {
  return code.size() == 2 &&
         std::binary_search(kIsoCountries, kIsoCountries + kIsoCountryCount, code);
}

bool valid_phone(std::string_view p) {
  if (p.empty() || p.size() > 32) return false;
  int digits = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c == '+' && i == 0)
      continue;
    else if (c != ' ' && c != '-' && c != '(' && c != ')')
      return false;
  }
  return digits >= 4 && digits <= 20;
}

std::optional<std::pair<std::string, std::string>> check_address(const Address& a) {
  auto text = [](std::string_view s) { return valid_display_name(s); };
  if (!text(a.line1))
    return std::pair<std::string, std::string>{"line1", "must be 1 to 200 characters"};
  if (a.line2 && !a.line2->empty() && !text(*a.line2))
    return std::pair<std::string, std::string>{"line2", "must be at most 200 characters"};
  if (!text(a.city))
    return std::pair<std::string, std::string>{"city", "must be 1 to 200 characters"};
  if (a.postal_code.empty() || a.postal_code.size() > 20 || !text(a.postal_code))
    return std::pair<std::string, std::string>{"postal_code", "must be 1 to 20 characters"};
  if (!valid_country(a.country))
    return std::pair<std::string, std::string>{"country", "must be an ISO 3166-1 alpha-2 code"};
  return std::nullopt;
}

}  // namespace brandos::domain
