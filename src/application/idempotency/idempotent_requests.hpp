#pragma once
// Stripe-style idempotent requests (API.md "Idempotency"), around any use case that takes an
// IdempotencyScope (placing orders now; payments and refunds next):
//
//   the work  claims the key inside its own unit of work (IdempotencyRecords::claim rides with
//             its first round trip) and, when claimed, completes it with its response in the same
//             transaction: the effect and the stored response commit together, a retry can never
//             run the work twice, and a claim dies with its transaction (a crashed request leaves
//             nothing behind);
//   record()  for a 4xx the work did not store (a malformed body, a refused order): claims the key
//             and stores that response in a short transaction of its own — unless the key was
//             done before (replay), is in flight (409) or was used with another request (422),
//             which is then the answer.
// A 5xx stores nothing: the transaction rolled back, and a retry runs again.
#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

class IdempotentRequests {
 public:
  explicit IdempotentRequests(TenantData& data) : data_(data) {}

  // claimed: `response` is now stored with the key. Anything else: the answer instead.
  boost::asio::awaitable<Outcome<Claim>> record(const OperationContext& ctx,
                                                const IdempotencyScope& scope,
                                                const StoredResponse& response) const;

 private:
  TenantData& data_;
};

}  // namespace brandos::application
