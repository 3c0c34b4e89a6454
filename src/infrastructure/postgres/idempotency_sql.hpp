#pragma once
// The SQL of IdempotencyRecords (a header, so bench/order_create.sql can be checked against it).
// A key is claimed inside the transaction of the work it guards: a transaction-scoped advisory
// lock on the key says "in flight" (a second request does not wait for the lock itself: 409; it
// may still wait for rows the first holds, e.g. an order's products, before answering), the key's
// row, if any, says whether it was done before, and the work's own commit stores the response. A
// claim therefore never outlives the transaction, connection or process that held it.
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::idempotency_sql {

// $1: "<tenant>:<user>:<endpoint>:<key>". A 64-bit hash: two keys sharing one would only make one
// of them wait for the other's transaction (409), never replay the other's response.
inline constexpr Query kLock{"idempotency.lock", R"sql(
SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS mine)sql"};
inline constexpr Query kRead{"idempotency.read", R"sql(
SELECT status, fingerprint = $5::bytea AS same_request, response_status, response_body,
       locked_until > now() AS held
FROM brandos.idempotency_keys
WHERE tenant_id = $1 AND user_id = $2 AND endpoint = $3 AND key = $4)sql"};
// Rows still 'in_flight' were left by the earlier scheme (claims committed on their own, with a
// lock period): while that period runs they count as in flight, after it they are completed over
// by the same request only.
inline constexpr Query kDone{"idempotency.complete", R"sql(
INSERT INTO brandos.idempotency_keys (tenant_id, user_id, endpoint, key, fingerprint, status,
                                      locked_until, response_status, response_body)
VALUES ($1, $2, $3, $4, $5::bytea, 'done', now(), $6, $7)
ON CONFLICT (tenant_id, user_id, endpoint, key) DO UPDATE
SET status = 'done', fingerprint = EXCLUDED.fingerprint,
    response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body
WHERE brandos.idempotency_keys.status = 'in_flight')sql"};

// The same for many distinct keys of one tenant (a batch of orders), a row per key in the order
// given. Locking and reading stay two statements: the read's snapshot must be taken after the
// lock is held, or a key completed by the lock's previous holder would read as new. The read is a
// primary-key probe per key (LATERAL … LIMIT 1): as a plain join, a plan made while the table had
// no statistics read all of the tenant's keys for every batch (ADR 0012).
inline constexpr Query kLockMany{"idempotency.lock_many", R"sql(
SELECT pg_try_advisory_xact_lock(hashtextextended(k.lock_key, 0)) AS mine
FROM unnest($1::text[]) WITH ORDINALITY AS k(lock_key, ord) ORDER BY k.ord)sql"};
inline constexpr Query kReadMany{"idempotency.read_many", R"sql(
SELECT i.status, i.fingerprint = k.fingerprint AS same_request, i.response_status,
       i.response_body, i.locked_until > now() AS held
FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bytea[])
     WITH ORDINALITY AS k(user_id, endpoint, key, fingerprint, ord)
LEFT JOIN LATERAL (SELECT * FROM brandos.idempotency_keys i
                   WHERE i.tenant_id = $1 AND i.user_id = k.user_id AND i.endpoint = k.endpoint
                     AND i.key = k.key LIMIT 1) i ON true
ORDER BY k.ord)sql"};
inline constexpr Query kDoneMany{"idempotency.complete_many", R"sql(
INSERT INTO brandos.idempotency_keys (tenant_id, user_id, endpoint, key, fingerprint, status,
                                      locked_until, response_status, response_body)
SELECT $1, r.user_id, r.endpoint, r.key, r.fingerprint, 'done', now(), r.response_status,
       r.response_body
FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bytea[], $6::integer[], $7::text[])
     AS r(user_id, endpoint, key, fingerprint, response_status, response_body)
ON CONFLICT (tenant_id, user_id, endpoint, key) DO UPDATE
SET status = 'done', fingerprint = EXCLUDED.fingerprint,
    response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body
WHERE brandos.idempotency_keys.status = 'in_flight')sql"};

}  // namespace brandos::pg::idempotency_sql
