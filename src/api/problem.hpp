#pragma once
// RFC 9457 problem details, the one error format of the API (application/problem+json). The
// `type` is https://brandos.dev/problems/<slug>; `errors` lists field failures for 422 only.
// Details are written for API clients: never SQL, stack traces or file paths.
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.hpp"

namespace brandos::api {

struct FieldError {
  std::string field;  // JSON path as in the request: "items[0].quantity"
  std::string message;
};

struct Problem {
  int status = 500;
  std::string slug;
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;
  std::vector<Header> headers;  // e.g. Allow, Retry-After, WWW-Authenticate
};

HttpResponse render_problem(const Problem& p, std::string_view instance,
                            std::string_view request_id);

namespace problems {
Problem bad_request(std::string detail);
Problem not_found();
Problem method_not_allowed(std::string allow);
Problem request_timeout();
Problem payload_too_large();
Problem unsupported_media_type();
Problem header_fields_too_large();
Problem transfer_coding_not_implemented();
Problem malformed_json(std::string detail);
Problem internal_error();
Problem service_unavailable(std::string detail, int retry_after_seconds);
}  // namespace problems

}  // namespace brandos::api
