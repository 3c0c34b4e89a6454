#pragma once
// Port: Stripe-style idempotency keys, scoped to (tenant, user, endpoint, key) and kept at least
// 24 hours. A request claims its key; the work's own transaction marks it done with the response
// (see OrderRepository::place), so a retry replays the stored response byte for byte instead of
// doing the work twice. Failed requests (4xx) are completed here; requests that never reached
// the work (5xx from a dependency) release the key so a retry can run.
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

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  // SHA-256 of the parts of a request that must match for a replay.
  virtual std::array<std::uint8_t, 32> fingerprint(std::string_view method, std::string_view path,
                                                   std::string_view body) const = 0;
  // A claim whose holder died is taken over once `lock` has passed.
  virtual boost::asio::awaitable<Outcome<Claim>> claim(const IdempotencyScope& scope,
                                                       std::chrono::seconds lock) = 0;
  virtual boost::asio::awaitable<Outcome<void>> complete(const IdempotencyScope& scope,
                                                         const StoredResponse& response) = 0;
  virtual boost::asio::awaitable<Outcome<void>> release(const IdempotencyScope& scope) = 0;
};

}  // namespace brandos::application
