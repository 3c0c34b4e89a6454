#pragma once
// HTTP mapping of orders (API.md "Orders"), including the Idempotency-Key protocol of
// POST /v1/orders: the key is claimed in the order's own transaction; a finished request is
// replayed byte for byte (Idempotent-Replayed: true), 409 while the first is running, 422 for a
// key reused with another body, 400 without a key. 4xx outcomes are stored and replayed; a 5xx
// stores nothing, so a retry runs again.
#include <boost/json/object.hpp>

#include "api/router.hpp"
#include "application/idempotency/idempotent_requests.hpp"
#include "application/ordering/manage_orders.hpp"
#include "application/ports/request_fingerprints.hpp"

namespace brandos::api {

struct OrderingApi {
  const application::ManageOrders& orders;
  const application::IdempotentRequests& idempotency;
  const application::RequestFingerprints& fingerprints;
};

void add_order_routes(Router& router, const OrderingApi& api);

// Reads {"customer_id"?, "items": [{"product_id", "quantity"}]}; problems go to `issues`.
std::optional<application::PlaceOrderCommand> read_place_order(
    const boost::json::object& body, std::vector<application::FieldIssue>& issues);

// 1..255 characters of visible ASCII (API.md).
bool valid_idempotency_key(std::string_view key);

}  // namespace brandos::api
