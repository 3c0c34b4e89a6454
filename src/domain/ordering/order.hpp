#pragma once
// The order aggregate's rules (API.md "Orders"): its state machine, what a valid list of items
// is, and how totals are computed. Pure: no I/O; the repository applies them atomically.
//
//   pending_payment --pay--> paid --fulfill--> fulfilled
//   pending_payment --cancel--> cancelled (stock released)
//   paid --cancel--> cancelled (full refund, stock released)
//   paid / fulfilled --refund (to the paid amount)--> refunded
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/uuid.hpp"

namespace brandos::domain {

enum class OrderStatus { pending_payment, paid, fulfilled, cancelled, refunded };
enum class OrderAction { pay, fulfill, cancel, refund_in_full };

std::optional<OrderStatus> parse_order_status(std::string_view text);
const char* to_string(OrderStatus status);

// The status after `action`, or nullopt when the transition is not allowed.
std::optional<OrderStatus> next_status(OrderStatus from, OrderAction action);
// Cancelling gives the reserved stock back.
inline bool releases_stock(OrderStatus from, OrderAction action) {
  return action == OrderAction::cancel &&
         (from == OrderStatus::pending_payment || from == OrderStatus::paid);
}

struct OrderItemRequest {
  Uuid product_id;
  std::int64_t quantity = 0;
};

inline constexpr std::size_t kMaxOrderItems = 100;
inline constexpr std::int64_t kMaxItemQuantity = 1000;

// Field problems ("items[2].quantity", message): 1..100 items, distinct products, quantities
// 1..1000. Empty when valid.
std::vector<std::pair<std::string, std::string>> check_order_items(
    const std::vector<OrderItemRequest>& items);

// quantity × unit price, or nullopt on overflow.
std::optional<std::int64_t> line_total(std::int64_t quantity, std::int64_t unit_price);

}  // namespace brandos::domain
