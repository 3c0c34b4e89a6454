#pragma once
// Stripe-style idempotent requests (API.md "Idempotency"), around any use case that takes an
// IdempotencyScope (placing orders now; payments and refunds next):
//
//   claim()   before the work, in a short transaction of its own: claimed, replay (answer with
//             the stored response), in_flight (409) or mismatch (422);
//   the work  completes the key with its response in its own unit of work
//             (IdempotencyRecords::complete), so the effect and the stored response commit
//             together and a retry can never run the work twice;
//   settle()  for outcomes the work did not store: a 4xx is stored and replayed to retries; a
//             5xx (a dependency failed, or a bug) releases the key so a retry may run.
//
// A claim never outlives its holder for long: its lock expires, and a retry with the same
// request takes it over.
#include <chrono>

#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

class IdempotentRequests {
 public:
  explicit IdempotentRequests(TenantData& data,
                              std::chrono::seconds lock = std::chrono::seconds(30))
      : data_(data), lock_(lock) {}

  boost::asio::awaitable<Outcome<Claim>> claim(const OperationContext& ctx,
                                               const IdempotencyScope& scope) const;
  // Stores `response` (status < 500) or releases the key (status >= 500).
  boost::asio::awaitable<Outcome<void>> settle(const OperationContext& ctx,
                                               const IdempotencyScope& scope,
                                               const StoredResponse& response) const;

 private:
  TenantData& data_;
  std::chrono::seconds lock_;
};

}  // namespace brandos::application
