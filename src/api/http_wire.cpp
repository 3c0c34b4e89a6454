#include "api/http_wire.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace brandos::api {

namespace beast = boost::beast;
namespace http = beast::http;

void apply_limits(WireParser& parser, std::size_t header_limit, std::size_t body_limit) {
  parser.header_limit(static_cast<std::uint32_t>(header_limit));
  parser.body_limit(body_limit);
}

int status_for_read_error(const beast::error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  if (ec == beast::error::timeout) return 408;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return 0;
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) return 400;
  return 0;
}

int framing_problem(const WireParser& parser) {
  const auto& h = parser.get();
  if (h.version() >= 11 && h.count(http::field::host) != 1) return 400;
  const auto te = h.find(http::field::transfer_encoding);
  if (te == h.end()) return 0;
  if (h.version() < 11 || h.count(http::field::transfer_encoding) != 1 ||
      h.count(http::field::content_length) != 0)
    return 400;
  std::string_view value = te->value();
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return iequals(value, "chunked") ? 0 : 501;
}

std::optional<HttpRequest> to_http_request(WireRequest&& message, const std::string& client_ip) {
  HttpRequest request;
  request.method = method_from_string(message.method_string());
  request.target = std::string(message.target());
  if (!split_target(request.target, request.path, request.query)) return std::nullopt;
  request.client_ip = client_ip;
  request.keep_alive = message.keep_alive();
  request.headers.reserve(16);
  for (const auto& field : message)
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  request.body = std::move(message.body());
  return request;
}

}  // namespace brandos::api
