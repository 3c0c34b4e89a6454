#pragma once
// Placing an order: what is asked, what comes back, and an order waiting to be placed (alone or
// in a batch with others of its tenant, see order_batches.hpp).
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "application/operation_context.hpp"
#include "application/ports/idempotency_store.hpp"
#include "application/ports/order_repository.hpp"

namespace brandos::application {

struct PlaceOrderCommand {
  std::optional<domain::Uuid> customer_id;
  std::vector<domain::OrderItemRequest> items;
};

// The order as placed and its document, rendered once: the response body, the event's data and
// the idempotency key's stored response are these same bytes.
struct PlacedOrder {
  OrderRecord order;
  std::string document;
};

// Placing with an idempotency key: the order, or — when the key was not ours to claim — the
// claim's answer (replay, in flight, mismatch), and nothing was done.
struct PlaceResult {
  std::optional<PlacedOrder> placed;
  std::optional<Claim> not_claimed;
};

// One order on its way: the caller's, referenced until `result` or `error` is set.
struct PendingOrder {
  const OperationContext* ctx = nullptr;
  PlaceOrderCommand command;
  const IdempotencyScope* key = nullptr;
  std::optional<Outcome<PlaceResult>> result;
  std::exception_ptr error;  // placing it threw: rethrown to its caller
};

}  // namespace brandos::application
