#include "infrastructure/amqp/event_message.hpp"

#include <boost/json/parse.hpp>

#include <limits>

namespace brandos::amqp {

namespace json = boost::json;

std::optional<application::PublishedEvent> event_from_message(std::string_view routing_key,
                                                              std::string_view message_id,
                                                              std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  auto text = [&](const char* k) -> std::optional<std::string_view> {
    const auto* f = o.if_contains(k);
    if (!f || !f->is_string()) return std::nullopt;
    return std::string_view(f->as_string());
  };
  auto uuid = [&](const char* k) -> std::optional<domain::Uuid> {
    auto t = text(k);
    return t ? domain::Uuid::parse(*t) : std::nullopt;
  };
  application::PublishedEvent e;
  auto id = uuid("id");
  auto tenant = uuid("tenant_id");
  auto aggregate = uuid("aggregate_id");
  auto type = text("type");
  const auto* version = o.if_contains("aggregate_version");
  const auto* data = o.if_contains("data");
  if (!id || !tenant || !aggregate || !type || !text("occurred_at") || !version || !data ||
      !data->is_object())
    return std::nullopt;
  if (id->to_string() != message_id || *type != routing_key) return std::nullopt;
  if (!version->is_int64() || version->as_int64() < 1 ||
      version->as_int64() > std::numeric_limits<int>::max())
    return std::nullopt;
  e.id = *id;
  e.tenant_id = *tenant;
  e.type = std::string(*type);
  e.aggregate_id = *aggregate;
  e.aggregate_version = static_cast<int>(version->as_int64());
  e.envelope_json = std::string(body);
  return e;
}

}  // namespace brandos::amqp
