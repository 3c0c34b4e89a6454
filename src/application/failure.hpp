#pragma once
// Expected failures of use cases, in business terms; the API layer maps each code to one HTTP
// status and problem type. Details are safe to show to the caller.
#include <expected>
#include <string>
#include <vector>

namespace brandos::application {

enum class FailureCode {
  validation,           // 422
  payment_declined,     // 402: the payment provider refused the payment
  unauthorized,         // 401
  forbidden,            // 403
  not_found,            // 404
  conflict,             // 409
  precondition_failed,  // 412: If-Match did not match
  rate_limited,         // 429
  unavailable,          // 503: a dependency is down
};

struct FieldIssue {
  std::string field;
  std::string message;
};

struct Failure {
  FailureCode code;
  std::string slug;  // problem type slug: "validation-failed", "email-taken"...
  std::string detail;
  std::vector<FieldIssue> fields;
  int retry_after_seconds = 0;
};

// The result of a use case or port: a value, or the Failure that says why not. [[nodiscard]]: a
// dropped Outcome is a dropped error. (GCC does not see a value dropped through co_await, so
// review still has to.)
template <class T>
class [[nodiscard]] Outcome : public std::expected<T, Failure> {
 public:
  using std::expected<T, Failure>::expected;
  Outcome(std::expected<T, Failure> e) : std::expected<T, Failure>(std::move(e)) {}
};

namespace failures {
Failure validation(std::vector<FieldIssue> fields);
Failure unauthorized(std::string detail = "Missing or invalid credentials.");
Failure forbidden(std::string detail = "Your role does not allow this.");
Failure not_found();
Failure conflict(std::string slug, std::string detail);
Failure precondition_failed();
Failure rate_limited(int retry_after_seconds);
Failure unavailable();
// 503 with the Retry-After a circuit breaker or a dependency asked for.
Failure unavailable(std::string detail, int retry_after_seconds);
}  // namespace failures

}  // namespace brandos::application
