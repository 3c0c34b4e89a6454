#include "api/resource_json.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brandos::api {

namespace json = boost::json;

namespace {
json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}
// Stored JSON text (audit details, history data) as a value; {} if it somehow does not parse.
json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return json::object{};
  return v;
}
}  // namespace

json::object order_json(const application::OrderRecord& o, json::storage_ptr sp) {
  json::array items(sp);
  for (const auto& i : o.items)
    items.emplace_back(json::object({{"product_id", i.product_id.to_string()},
                                     {"sku", i.sku},
                                     {"name", i.name},
                                     {"quantity", i.quantity},
                                     {"unit_price", i.unit_price},
                                     {"line_total", i.line_total}},
                                    sp));
  return json::object({{"id", o.id.to_string()},
                       {"status", o.status},
                       {"customer_id", o.customer_id ? json::value(o.customer_id->to_string())
                                                     : json::value(nullptr)},
                       {"items", std::move(items)},
                       {"total", o.total},
                       {"currency", o.currency},
                       {"paid_amount", o.paid_amount},
                       {"refunded_amount", o.refunded_amount},
                       {"version", o.version},
                       {"created_at", o.created_at},
                       {"updated_at", o.updated_at}},
                      sp);
}

std::string order_document(const application::OrderRecord& o) {
  // The hottest document (every order placed, every order read): built in a stack buffer rather
  // than with an allocation per member.
  unsigned char buffer[8192];
  json::monotonic_resource arena(buffer, sizeof buffer);
  return json::serialize(order_json(o, &arena));
}

json::object product_json(const application::ProductRecord& p) {
  return {{"id", p.id.to_string()},
          {"sku", p.sku},
          {"name", p.name},
          {"description", nullable(p.description)},
          {"price", p.price},
          {"currency", p.currency},
          {"stock", p.stock},
          {"version", p.version},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json::object user_json(const application::UserRecord& u) {
  return {{"id", u.id.to_string()},
          {"email", u.email},
          {"name", u.name},
          {"role", domain::to_string(u.role)},
          {"created_at", u.created_at}};
}

json::object tenant_json(const application::TenantRecord& t) {
  return {
      {"id", t.id.to_string()}, {"name", t.name}, {"slug", t.slug}, {"created_at", t.created_at}};
}

json::object audit_json(const application::AuditRecord& a) {
  return {{"id", a.id.to_string()},
          {"occurred_at", a.occurred_at},
          {"actor_user_id", nullable(a.actor_user_id)},
          {"action", a.action},
          {"target_type", nullable(a.target_type)},
          {"target_id", nullable(a.target_id)},
          {"ip", nullable(a.ip)},
          {"request_id", nullable(a.request_id)},
          {"outcome", a.outcome},
          {"details", parsed(a.details_json)}};
}

json::object order_event_json(const application::OrderEventRecord& e) {
  return {{"id", e.id.to_string()},
          {"type", e.type},
          {"occurred_at", e.occurred_at},
          {"actor", e.actor},
          {"data", parsed(e.data_json)}};
}

std::string JsonDocuments::order(const application::OrderRecord& o) const {
  return order_document(o);
}

std::string JsonDocuments::product(const application::ProductRecord& p) const {
  return json::serialize(product_json(p));
}

std::string JsonDocuments::stock_adjustment(const application::ProductRecord& p, std::int64_t delta,
                                            const std::string& reason) const {
  return json::serialize(json::object{{"product_id", p.id.to_string()},
                                      {"sku", p.sku},
                                      {"delta", delta},
                                      {"reason", reason},
                                      {"stock", p.stock}});
}

std::string JsonDocuments::reference(const domain::Uuid& id) const {
  return json::serialize(json::object{{"id", id.to_string()}});
}

std::string JsonDocuments::order_placed(const application::OrderRecord& o) const {
  return json::serialize(json::object{{"total", o.total}, {"currency", o.currency}});
}

std::string JsonDocuments::reason(const std::string& reason) const {
  if (reason.empty()) return "{}";
  return json::serialize(json::object{{"reason", reason}});
}

json::object payment_json(const application::PaymentRecord& p) {
  json::object o;
  o["id"] = p.id.to_string();
  o["order_id"] = p.order_id.to_string();
  o["status"] = p.status;
  o["amount"] = p.amount;
  o["currency"] = p.currency;
  o["provider"] = p.provider;
  o["provider_reference"] = p.provider_reference ? json::value(*p.provider_reference) : nullptr;
  o["payment_method"] = p.payment_method;
  o["failure_code"] = p.failure_code ? json::value(*p.failure_code) : nullptr;
  o["created_at"] = p.created_at;
  return o;
}

json::object refund_json(const application::RefundRecord& r) {
  json::object o;
  o["id"] = r.id.to_string();
  o["order_id"] = r.order_id.to_string();
  o["payment_id"] = r.payment_id.to_string();
  o["amount"] = r.amount;
  o["currency"] = r.currency;
  o["status"] = r.status;
  o["reason"] = r.reason;
  o["failure_code"] = r.failure_code ? json::value(*r.failure_code) : nullptr;
  o["created_at"] = r.created_at;
  return o;
}

std::string JsonDocuments::payment(const application::PaymentRecord& p) const {
  return json::serialize(payment_json(p));
}

std::string JsonDocuments::refund(const application::RefundRecord& r) const {
  return json::serialize(refund_json(r));
}

std::string JsonDocuments::money_movement(const domain::Uuid& id, std::int64_t amount,
                                          const std::string& currency,
                                          const std::optional<std::string>& code) const {
  json::object o{{"id", id.to_string()}, {"amount", amount}, {"currency", currency}};
  if (code) o["code"] = *code;
  return json::serialize(o);
}

}  // namespace brandos::api
