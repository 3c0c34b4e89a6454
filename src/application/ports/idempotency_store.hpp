#pragma once
// Port: Stripe-style idempotency keys, scoped to (tenant, user, endpoint, key) and kept at least
// 24 hours (API.md). See application/idempotency/idempotent_requests.hpp for how a request uses
// them; this is only their storage, on a unit of work.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "application/failure.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

struct IdempotencyScope {
  domain::Uuid tenant_id;
  domain::Uuid user_id;
  std::string endpoint;  // the route pattern: "POST /v1/orders"
  std::string key;
  std::array<std::uint8_t, 32> fingerprint{};  // of the request: same key, other body → 422
};

struct StoredResponse {
  int status = 0;
  std::string body;
};

enum class ClaimResult {
  claimed,    // go ahead
  replay,     // done before: answer with the stored response
  in_flight,  // the first request with this key is still running: 409
  mismatch,   // the key was used with another request: 422
};

struct Claim {
  ClaimResult result = ClaimResult::claimed;
  std::optional<StoredResponse> response;  // for replay
};

class IdempotencyRecords {
 public:
  virtual ~IdempotencyRecords() = default;
  // Claims the key for `lock`; a claim whose holder died is taken over once its lock passed,
  // by a request with the same fingerprint. The claim needs no durable commit of its own (the
  // work's synchronous commit follows it), so a unit of work that only claims commits cheaply.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<Claim>> claim(const IdempotencyScope& scope,
                                                                     std::chrono::seconds lock) = 0;
  // Queued: stores the response with the key, in the same transaction as the work.
  virtual void complete(const IdempotencyScope& scope, const StoredResponse& response) = 0;
  // Queued: gives the key up (the request never reached its work), so a retry may run.
  virtual void release(const IdempotencyScope& scope) = 0;
};

}  // namespace brandos::application
