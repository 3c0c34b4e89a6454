#include "api/failure_response.hpp"

#include "api/problem.hpp"

namespace brandos::api {

using application::FailureCode;

int status_of(FailureCode code) {
  switch (code) {
    case FailureCode::validation:
      return 422;
    case FailureCode::payment_declined:
      return 402;
    case FailureCode::unauthorized:
      return 401;
    case FailureCode::forbidden:
      return 403;
    case FailureCode::not_found:
      return 404;
    case FailureCode::conflict:
      return 409;
    case FailureCode::precondition_failed:
      return 412;
    case FailureCode::rate_limited:
      return 429;
    case FailureCode::unavailable:
      return 503;
  }
  return 500;
}

namespace {
const char* title_of(FailureCode code) {
  switch (code) {
    case FailureCode::validation:
      return "Validation failed";
    case FailureCode::payment_declined:
      return "Payment declined";
    case FailureCode::unauthorized:
      return "Unauthorized";
    case FailureCode::forbidden:
      return "Forbidden";
    case FailureCode::not_found:
      return "Not found";
    case FailureCode::conflict:
      return "Conflict";
    case FailureCode::precondition_failed:
      return "Precondition failed";
    case FailureCode::rate_limited:
      return "Too many requests";
    case FailureCode::unavailable:
      return "Service unavailable";
  }
  return "Error";
}
}  // namespace

HttpResponse render_failure(const application::Failure& f, const RequestContext& ctx) {
  Problem p;
  p.status = status_of(f.code);
  p.slug = f.slug;
  p.title = title_of(f.code);
  p.detail = f.detail;
  for (const auto& i : f.fields) p.errors.push_back({i.field, i.message});
  if (f.code == FailureCode::unauthorized) p.headers.push_back({"WWW-Authenticate", "Bearer"});
  if (f.code == FailureCode::rate_limited || f.code == FailureCode::unavailable)
    p.headers.push_back({"Retry-After", std::to_string(std::max(1, f.retry_after_seconds))});
  return render_problem(p, ctx.request.path, ctx.request_id);
}

}  // namespace brandos::api
