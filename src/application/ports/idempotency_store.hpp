#pragma once
// Port: Stripe-style idempotency keys, scoped to (tenant, user, endpoint, key) and kept at least
// 24 hours (API.md), on a unit of work. See application/idempotency/idempotent_requests.hpp.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The answer to a claim, known once the unit of work's next round trip is back.
class ClaimTicket {
 public:
  virtual ~ClaimTicket() = default;
  // Throws std::logic_error when asked before that round trip.
  virtual Claim result() const = 0;
};

// A key's stored response, to complete it with (referenced until the call returns).
struct KeyCompletion {
  const IdempotencyScope& scope;
  int status;
  std::string_view body;
};

class IdempotencyRecords {
 public:
  virtual ~IdempotencyRecords() = default;
  // Queued: claims the key inside this unit of work's transaction (write access), riding with
  // its next round trip. Claimed until the transaction ends; a concurrent claim of the same key
  // is in_flight, a key done before is replay (or mismatch for another request).
  virtual std::shared_ptr<const ClaimTicket> claim(const IdempotencyScope& scope) = 0;
  // Queued: stores the response with the key, in the same transaction as the work.
  virtual void complete(const IdempotencyScope& scope, const StoredResponse& response) = 0;
  // The same for many distinct keys, with as many statements as for one: claims in key order.
  virtual std::vector<std::shared_ptr<const ClaimTicket>> claim(
      const std::vector<const IdempotencyScope*>& scopes) = 0;
  virtual void complete(const std::vector<KeyCompletion>& completions) = 0;
};

}  // namespace brandos::application
