#include "api/idempotent_answers.hpp"

#include "api/failure_response.hpp"

namespace brandos::api {

namespace asio = boost::asio;

HttpResponse stored_response(const application::StoredResponse& s) {
  HttpResponse r;
  r.status = s.status;
  r.body = s.body;
  r.set_header("Content-Type", s.status >= 400 ? "application/problem+json" : "application/json");
  return r;
}

std::optional<HttpResponse> claim_answer(const application::Claim& claim,
                                         const RequestContext& ctx) {
  switch (claim.result) {
    case application::ClaimResult::replay: {
      HttpResponse r = stored_response(*claim.response);
      r.set_header("Idempotent-Replayed", "true");
      return r;
    }
    case application::ClaimResult::in_flight:
      return render_failure(
          application::failures::conflict(
              "idempotency-key-in-use",
              "A request with this Idempotency-Key is still being processed; retry shortly."),
          ctx);
    case application::ClaimResult::mismatch:
      return render_failure(
          application::Failure{application::FailureCode::validation,
                               "idempotency-key-reused",
                               "This Idempotency-Key was used with a different request.",
                               {{"Idempotency-Key", "was used with a different request"}}},
          ctx);
    case application::ClaimResult::claimed:
      break;
  }
  return std::nullopt;
}

asio::awaitable<HttpResponse> record_answer(const application::IdempotentRequests& requests,
                                            const RequestContext& ctx,
                                            const application::OperationContext& op,
                                            const application::IdempotencyScope& scope,
                                            HttpResponse r) {
  if (r.status >= 500) co_return r;
  const application::StoredResponse stored{r.status, r.body};
  auto recorded = co_await requests.record(op, scope, stored);
  if (!recorded) co_return render_failure(recorded.error(), ctx);
  if (auto other = claim_answer(*recorded, ctx)) co_return std::move(*other);
  co_return r;
}

}  // namespace brandos::api
