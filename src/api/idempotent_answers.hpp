#pragma once
// The HTTP side of the Idempotency-Key protocol (API.md "Idempotency"), shared by every route that
// takes a key (orders, payments, refunds): how a stored answer, a replay, a key in flight and a
// key reused for another request are answered, and how a 4xx the use case did not store is
// recorded with the key.
#include <optional>

#include "api/router.hpp"
#include "application/idempotency/idempotent_requests.hpp"

namespace brandos::api {

// A stored answer as sent: problem+json for 4xx, JSON otherwise.
HttpResponse stored_response(const application::StoredResponse& s);

// The answer when the key was not ours to claim (replay, 409 in flight, 422 reused); nullopt when
// it was.
std::optional<HttpResponse> claim_answer(const application::Claim& claim,
                                         const RequestContext& ctx);

// A 4xx answer is stored with the key and replayed to retries — unless the key answers
// otherwise (done before, in flight, another request). If it cannot be stored the caller gets
// 503, not an answer a retry could contradict. A 5xx stores nothing: a retry runs again.
boost::asio::awaitable<HttpResponse> record_answer(const application::IdempotentRequests& requests,
                                                   const RequestContext& ctx,
                                                   const application::OperationContext& op,
                                                   const application::IdempotencyScope& scope,
                                                   HttpResponse r);

}  // namespace brandos::api
