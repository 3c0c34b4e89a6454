#pragma once
// What the card gateway answers (docs/payment-gateway.md), read strictly: anything that is not a
// well-formed charge or refund is nullopt, and the adapter treats it as the gateway failing (the
// outcome stays unknown and is asked for again with the same key), never as a decline. Fuzzed by
// fuzz/gateway_response_fuzz.cpp.
#include <optional>
#include <string>
#include <string_view>

#include "application/ports/payment_gateway.hpp"

namespace brandos::http_client {

std::optional<application::GatewayCharge> parse_charge(std::string_view body);
std::optional<application::GatewayRefund> parse_refund(std::string_view body);

// The request bodies.
std::string charge_body(const application::ChargeRequest& request);
std::string refund_body(const application::RefundRequest& request);

}  // namespace brandos::http_client
