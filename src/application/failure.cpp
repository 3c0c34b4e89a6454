#include "application/failure.hpp"

namespace brandos::application::failures {

Failure validation(std::vector<FieldIssue> fields) {
  return {FailureCode::validation, "validation-failed", "The request has invalid fields.",
          std::move(fields)};
}
Failure unauthorized(std::string detail) {
  return {FailureCode::unauthorized, "unauthorized", std::move(detail), {}};
}
Failure forbidden(std::string detail) {
  return {FailureCode::forbidden, "forbidden", std::move(detail), {}};
}
Failure not_found() {
  return {FailureCode::not_found, "not-found", "No such resource.", {}};
}
Failure conflict(std::string slug, std::string detail) {
  return {FailureCode::conflict, std::move(slug), std::move(detail), {}};
}
Failure precondition_failed() {
  return {FailureCode::precondition_failed,
          "precondition-failed",
          "The resource has changed since the version in If-Match.",
          {}};
}
Failure rate_limited(int retry_after_seconds) {
  Failure f{FailureCode::rate_limited, "rate-limited", "Too many requests; retry later.", {}};
  f.retry_after_seconds = retry_after_seconds;
  return f;
}
Failure unavailable() {
  Failure f{FailureCode::unavailable,
            "service-unavailable",
            "A service this request needs is unavailable; retry shortly.",
            {}};
  f.retry_after_seconds = 2;
  return f;
}
Failure unavailable(std::string detail, int retry_after_seconds) {
  Failure f{FailureCode::unavailable, "service-unavailable", std::move(detail), {}};
  f.retry_after_seconds = retry_after_seconds;
  return f;
}

}  // namespace brandos::application::failures
