#include "domain/ordering/order.hpp"

#include <set>

namespace brandos::domain {

std::optional<OrderStatus> parse_order_status(std::string_view t) {
  if (t == "pending_payment") return OrderStatus::pending_payment;
  if (t == "paid") return OrderStatus::paid;
  if (t == "fulfilled") return OrderStatus::fulfilled;
  if (t == "cancelled") return OrderStatus::cancelled;
  if (t == "refunded") return OrderStatus::refunded;
  return std::nullopt;
}

const char* to_string(OrderStatus s) {
  switch (s) {
    case OrderStatus::pending_payment:
      return "pending_payment";
    case OrderStatus::paid:
      return "paid";
    case OrderStatus::fulfilled:
      return "fulfilled";
    case OrderStatus::cancelled:
      return "cancelled";
    case OrderStatus::refunded:
      return "refunded";
  }
  return "pending_payment";
}

std::optional<OrderStatus> next_status(OrderStatus from, OrderAction action) {
  switch (action) {
    case OrderAction::pay:
      if (from == OrderStatus::pending_payment) return OrderStatus::paid;
      break;
    case OrderAction::fulfill:
      if (from == OrderStatus::paid) return OrderStatus::fulfilled;
      break;
    case OrderAction::cancel:
      if (from == OrderStatus::pending_payment || from == OrderStatus::paid)
        return OrderStatus::cancelled;
      break;
    case OrderAction::refund_in_full:
      if (from == OrderStatus::paid || from == OrderStatus::fulfilled) return OrderStatus::refunded;
      break;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> check_order_items(
    const std::vector<OrderItemRequest>& items) {
  std::vector<std::pair<std::string, std::string>> issues;
  if (items.empty() || items.size() > kMaxOrderItems) {
    issues.emplace_back("items", "must have 1 to 100 items");
    return issues;
  }
  std::set<Uuid> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = "items[" + std::to_string(i) + "]";
    if (items[i].quantity < 1 || items[i].quantity > kMaxItemQuantity)
      issues.emplace_back(at + ".quantity", "must be from 1 to 1000");
    if (!seen.insert(items[i].product_id).second)
      issues.emplace_back(at + ".product_id", "appears twice; order each product once");
  }
  return issues;
}

std::optional<std::int64_t> line_total(std::int64_t quantity, std::int64_t unit_price) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(quantity, unit_price, &out)) return std::nullopt;
  return out;
}

}  // namespace brandos::domain
