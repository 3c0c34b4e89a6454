#include "domain/catalog/product.hpp"

#include "domain/identity/credentials.hpp"

namespace brandos::domain {

bool valid_sku(std::string_view sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char c : sku) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool valid_product_name(std::string_view name) {
  return valid_display_name(name);
}

bool valid_product_description(std::string_view text) {
  const auto len = utf8_length(text);
  return len && *len <= 5000;
}

std::optional<std::int64_t> stock_after(std::int64_t stock, std::int64_t delta) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(stock, delta, &out) || out < 0 || out > kMaxStock) return std::nullopt;
  return out;
}

}  // namespace brandos::domain
