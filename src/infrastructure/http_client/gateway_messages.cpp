#include "infrastructure/http_client/gateway_messages.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace brandos::http_client {

namespace json = boost::json;

namespace {

// An identifier or code the gateway chose: 1..255 visible ASCII characters.
std::optional<std::string> token(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  const auto& s = v->get_string();
  if (s.empty() || s.size() > 255) return std::nullopt;
  for (char c : s)
    if (c < 0x21 || c > 0x7E) return std::nullopt;
  return std::string(s);
}

std::optional<json::object> object_of(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// A code that may be null (absent when the outcome needs none).
bool optional_token(const json::object& o, std::string_view field, std::string& out) {
  const auto* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return true;
  auto t = token(o, field);
  if (!t) return false;
  out = std::move(*t);
  return true;
}

}  // namespace

std::optional<application::GatewayCharge> parse_charge(std::string_view body) {
  auto o = object_of(body);
  if (!o) return std::nullopt;
  auto id = token(*o, "id");
  auto status = token(*o, "status");
  if (!id || !status) return std::nullopt;
  application::GatewayCharge c;
  c.reference = std::move(*id);
  if (*status == "succeeded") {
    c.succeeded = true;
  } else if (*status == "declined") {
    if (!optional_token(*o, "decline_code", c.decline_code)) return std::nullopt;
    if (c.decline_code.empty()) c.decline_code = "declined";
  } else {
    return std::nullopt;
  }
  return c;
}

std::optional<application::GatewayRefund> parse_refund(std::string_view body) {
  auto o = object_of(body);
  if (!o) return std::nullopt;
  auto id = token(*o, "id");
  auto status = token(*o, "status");
  if (!id || !status) return std::nullopt;
  application::GatewayRefund r;
  r.reference = std::move(*id);
  if (*status == "succeeded") {
    r.succeeded = true;
  } else if (*status == "failed") {
    if (!optional_token(*o, "failure_code", r.failure_code)) return std::nullopt;
    if (r.failure_code.empty()) r.failure_code = "failed";
  } else {
    return std::nullopt;
  }
  return r;
}

std::string charge_body(const application::ChargeRequest& r) {
  return json::serialize(json::object{{"amount", r.amount},
                                      {"currency", r.currency},
                                      {"payment_method", r.payment_method},
                                      {"reference", r.reference}});
}

std::string refund_body(const application::RefundRequest& r) {
  return json::serialize(json::object{{"charge", r.charge_reference}, {"amount", r.amount}});
}

}  // namespace brandos::http_client
