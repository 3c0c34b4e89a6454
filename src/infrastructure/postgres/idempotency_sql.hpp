#pragma once
// The SQL of IdempotencyStore (see order_sql.hpp for why it lives in a header).

namespace brandos::pg::idempotency_sql {

// The claim needs no flush to disk of its own: the order's transaction commits after it with a
// synchronous commit, and WAL is flushed in order, so whenever the order survives a crash so
// does its claim (and a claim lost with an uncommitted order is harmless). One fsync per order
// instead of two.
inline constexpr const char* kAsyncCommit = "SELECT set_config('synchronous_commit', 'off', true)";
inline constexpr const char* kInsert =
    "INSERT INTO brandos.idempotency_keys (tenant_id, user_id, endpoint, key, fingerprint, status, "
    "locked_until) VALUES ($1, $2, $3, $4, $5::bytea, 'in_flight', now() + make_interval(secs => "
    "$6)) "
    "ON CONFLICT DO NOTHING RETURNING 1";
// A claim whose holder died (its lock passed) is taken over by a request with the same body.
inline constexpr const char* kTakeOver =
    "UPDATE brandos.idempotency_keys SET locked_until = now() + make_interval(secs => $6) "
    "WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4 "
    "AND status = 'in_flight' AND locked_until < now() AND fingerprint = $5::bytea RETURNING 1";
inline constexpr const char* kRead =
    "SELECT status, fingerprint = $5::bytea, response_status, response_body "
    "FROM brandos.idempotency_keys "
    "WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4";
inline constexpr const char* kDone =
    "UPDATE brandos.idempotency_keys SET status = 'done', response_status = $5, response_body = $6 "
    "WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4";
inline constexpr const char* kRelease =
    "DELETE FROM brandos.idempotency_keys WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 "
    "AND key = $4 AND status = 'in_flight'";

}  // namespace brandos::pg::idempotency_sql
