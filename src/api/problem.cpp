#include "api/problem.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace brandos::api {

HttpResponse render_problem(const Problem& p, std::string_view instance,
                            std::string_view request_id) {
  boost::json::object o;
  o["type"] = "https://brandos.dev/problems/" + p.slug;
  o["title"] = p.title;
  o["status"] = p.status;
  o["detail"] = p.detail;
  o["instance"] = instance;
  o["request_id"] = request_id;
  if (p.status == 422) {
    boost::json::array errors;
    for (const auto& e : p.errors) errors.push_back({{"field", e.field}, {"message", e.message}});
    o["errors"] = std::move(errors);
  }
  HttpResponse r;
  r.status = p.status;
  r.headers = p.headers;
  r.set_header("Content-Type", "application/problem+json");
  r.body = boost::json::serialize(o);
  return r;
}

namespace problems {

Problem bad_request(std::string detail) {
  return {400, "bad-request", "Bad request", std::move(detail), {}, {}};
}
Problem not_found() {
  return {404, "not-found", "Not found", "No resource exists at this path.", {}, {}};
}
Problem method_not_allowed(std::string allow) {
  return {405,
          "method-not-allowed",
          "Method not allowed",
          "This resource does not support the request method.",
          {},
          {{"Allow", std::move(allow)}}};
}
Problem request_timeout() {
  return {408, "request-timeout", "Request timeout", "The request was not received in time.", {},
          {}};
}
Problem payload_too_large() {
  return {413,
          "payload-too-large",
          "Payload too large",
          "The request body exceeds 1 MiB (64 KiB for a request without an Authorization header).",
          {},
          {}};
}
Problem unsupported_media_type() {
  return {415,
          "unsupported-media-type",
          "Unsupported media type",
          "The request body must be sent as Content-Type: application/json.",
          {},
          {}};
}
Problem header_fields_too_large() {
  return {431,
          "header-fields-too-large",
          "Request header fields too large",
          "The request header block exceeds 16 KiB.",
          {},
          {}};
}
Problem transfer_coding_not_implemented() {
  return {501,
          "transfer-coding-not-implemented",
          "Transfer coding not implemented",
          "Only Transfer-Encoding: chunked is understood; send the body plain or chunked.",
          {},
          {}};
}
Problem malformed_json(std::string detail) {
  return {400, "malformed-json", "Malformed JSON", std::move(detail), {}, {}};
}
Problem internal_error() {
  return {500,
          "internal-error",
          "Internal error",
          "The server failed to handle the request. Quote the request_id when reporting it.",
          {},
          {}};
}
Problem service_unavailable(std::string detail, int retry_after_seconds) {
  return {503,
          "service-unavailable",
          "Service unavailable",
          std::move(detail),
          {},
          {{"Retry-After", std::to_string(retry_after_seconds)}}};
}

}  // namespace problems
}  // namespace brandos::api
