#pragma once
// The SQL of IdempotencyRecords (a header, so bench/order_create.sql can be checked against it).
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::idempotency_sql {

// The claim needs no flush to disk of its own: the order's transaction commits after it with a
// synchronous commit, and WAL is flushed in order, so whenever the order survives a crash so
// does its claim (and a claim lost with an uncommitted order is harmless). One fsync per order
// instead of two.
inline constexpr Query kAsyncCommit{"idempotency.async_commit", R"sql(
SELECT set_config('synchronous_commit', 'off', true))sql"};
inline constexpr Query kInsert{"idempotency.claim", R"sql(
INSERT INTO brandos.idempotency_keys (tenant_id, user_id, endpoint, key, fingerprint, status,
                                      locked_until)
VALUES ($1, $2, $3, $4, $5::bytea, 'in_flight', now() + make_interval(secs => $6))
ON CONFLICT DO NOTHING RETURNING 1)sql"};
// A claim whose holder died (its lock passed) is taken over by a request with the same body.
inline constexpr Query kTakeOver{"idempotency.take_over", R"sql(
UPDATE brandos.idempotency_keys SET locked_until = now() + make_interval(secs => $6)
WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4
  AND status = 'in_flight' AND locked_until < now() AND fingerprint = $5::bytea
RETURNING 1)sql"};
inline constexpr Query kRead{"idempotency.read", R"sql(
SELECT status, fingerprint = $5::bytea AS same_request, response_status, response_body
FROM brandos.idempotency_keys
WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4)sql"};
inline constexpr Query kDone{"idempotency.complete", R"sql(
UPDATE brandos.idempotency_keys
SET status = 'done', response_status = $5, response_body = $6
WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4)sql"};
inline constexpr Query kRelease{"idempotency.release", R"sql(
DELETE FROM brandos.idempotency_keys
WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4 AND status = 'in_flight')sql"};

}  // namespace brandos::pg::idempotency_sql
