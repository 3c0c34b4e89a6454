#pragma once
// The SQL of PaymentRepository (ADR 0018). Every row is read with `attempt_running`: whether the
// lease of whoever drives it still runs, on the database's clock.
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::payment_sql {

inline constexpr Query kByRequest{"payments.by_request", R"sql(
SELECT p.id, p.order_id, p.status, p.amount, p.currency, p.provider, p.payment_method,
       p.provider_reference, p.failure_code, encode(p.request_fingerprint, 'hex') AS fingerprint,
       p.attempt_until > now() AS attempt_running, p.attempts, to_char(p.created_at AT TIME ZONE 'UTC',
       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.payments p
WHERE p.tenant_id = $1 AND p.request_user_id = $2 AND p.request_key = $3)sql"};

inline constexpr Query kLiveOnOrder{"payments.live_on_order", R"sql(
SELECT p.id, p.order_id, p.status, p.amount, p.currency, p.provider, p.payment_method,
       p.provider_reference, p.failure_code, encode(p.request_fingerprint, 'hex') AS fingerprint,
       p.attempt_until > now() AS attempt_running, p.attempts, to_char(p.created_at AT TIME ZONE 'UTC',
       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.payments p
WHERE p.tenant_id = $1 AND p.order_id = $2 AND p.status IN ('pending', 'succeeded'))sql"};

inline constexpr Query kInsertPayment{"payments.insert", R"sql(
INSERT INTO brandos.payments (id, tenant_id, order_id, status, amount, currency, provider,
                              payment_method, request_user_id, request_key, request_fingerprint,
                              attempt_until)
VALUES ($2, $1, $3, 'pending', $4, $5, $6, $7, $8, $9, $10::bytea,
        now() + make_interval(secs => $11::bigint / 1000.0)))sql"};

inline constexpr Query kLockPayment{"payments.lock", R"sql(
SELECT p.id, p.order_id, p.status, p.amount, p.currency, p.provider, p.payment_method,
       p.provider_reference, p.failure_code, encode(p.request_fingerprint, 'hex') AS fingerprint,
       p.attempt_until > now() AS attempt_running, p.attempts, to_char(p.created_at AT TIME ZONE 'UTC',
       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.payments p WHERE p.tenant_id = $1 AND p.id = $2 FOR UPDATE)sql"};

// The lease is taken only when it lapsed and the payment is still pending; attempts counts the
// drivers it had.
inline constexpr Query kTakePayment{"payments.take", R"sql(
UPDATE brandos.payments p
SET attempt_until = now() + make_interval(secs => $3::bigint / 1000.0), attempts = attempts + 1,
    updated_at = now()
WHERE p.tenant_id = $1 AND p.id = $2 AND p.status = 'pending' AND p.attempt_until <= now()
RETURNING p.id, p.order_id, p.status, p.amount, p.currency, p.provider, p.payment_method,
       p.provider_reference, p.failure_code, encode(p.request_fingerprint, 'hex') AS fingerprint,
       p.attempt_until > now() AS attempt_running, p.attempts, to_char(p.created_at AT TIME ZONE 'UTC',
       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at)sql"};

inline constexpr Query kSettlePayment{"payments.settle", R"sql(
UPDATE brandos.payments
SET status = $3, provider_reference = $4, failure_code = $5, attempt_until = now(),
    updated_at = now()
WHERE tenant_id = $1 AND id = $2 AND status = 'pending')sql"};

inline constexpr Query kReleasePayment{"payments.release", R"sql(
UPDATE brandos.payments SET attempt_until = now()
WHERE tenant_id = $1 AND id = $2 AND status = 'pending' AND attempts = $3)sql"};

inline constexpr Query kListPayments{"payments.list", R"sql(
SELECT p.id, p.order_id, p.status, p.amount, p.currency, p.provider, p.payment_method,
       p.provider_reference, p.failure_code, encode(p.request_fingerprint, 'hex') AS fingerprint,
       p.attempt_until > now() AS attempt_running, p.attempts, to_char(p.created_at AT TIME ZONE 'UTC',
       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.payments p WHERE p.tenant_id = $1 AND p.order_id = $2 ORDER BY p.id DESC)sql"};

inline constexpr Query kRefundByRequest{"refunds.by_request", R"sql(
SELECT r.id, r.order_id, r.payment_id, r.status, r.amount, r.currency, r.reason,
       r.provider_reference, r.failure_code, r.cancellation_id,
       coalesce(encode(r.request_fingerprint, 'hex'), '') AS fingerprint,
       coalesce((SELECT c.provider_reference FROM brandos.payments c           WHERE c.tenant_id = r.tenant_id AND c.id = r.payment_id),
       '') AS charge_reference, r.attempt_until > now() AS attempt_running, r.attempts,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.refunds r
WHERE r.tenant_id = $1 AND r.request_user_id = $2 AND r.request_key = $3)sql"};

inline constexpr Query kSucceededPayment{"payments.succeeded_on_order", R"sql(
SELECT p.id, p.order_id, p.status, p.amount, p.currency, p.provider, p.payment_method,
       p.provider_reference, p.failure_code, encode(p.request_fingerprint, 'hex') AS fingerprint,
       p.attempt_until > now() AS attempt_running, p.attempts, to_char(p.created_at AT TIME ZONE 'UTC',
       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.payments p
WHERE p.tenant_id = $1 AND p.order_id = $2 AND p.status = 'succeeded')sql"};

// What an order's money is doing: refunds being settled, a payment being settled.
inline constexpr Query kMoneyInMotion{"payments.in_motion", R"sql(
SELECT coalesce((SELECT sum(amount) FROM brandos.refunds
                 WHERE tenant_id = $1 AND order_id = $2 AND status = 'pending'), 0) AS refunding,
       EXISTS (SELECT 1 FROM brandos.payments
               WHERE tenant_id = $1 AND order_id = $2 AND status = 'pending') AS paying)sql"};

inline constexpr Query kRunningCancellation{"order_cancellations.running", R"sql(
SELECT c.id, c.order_id, c.step, c.reason, c.actor, c.last_error,
       c.attempt_until > now() AS attempt_running, c.attempts
FROM brandos.order_cancellations c
WHERE c.tenant_id = $1 AND c.order_id = $2 AND c.step NOT IN ('completed', 'compensated'))sql"};

inline constexpr Query kInsertRefund{"refunds.insert", R"sql(
INSERT INTO brandos.refunds (id, tenant_id, order_id, payment_id, status, amount, currency, reason,
                             request_user_id, request_key, request_fingerprint, cancellation_id,
                             attempt_until)
VALUES ($2, $1, $3, $4, 'pending', $5, $6, $7, $8, $9, $10::bytea, $11,
        now() + make_interval(secs => $12::bigint / 1000.0)))sql"};

inline constexpr Query kLockRefund{"refunds.lock", R"sql(
SELECT r.id, r.order_id, r.payment_id, r.status, r.amount, r.currency, r.reason,
       r.provider_reference, r.failure_code, r.cancellation_id,
       coalesce(encode(r.request_fingerprint, 'hex'), '') AS fingerprint,
       coalesce((SELECT c.provider_reference FROM brandos.payments c           WHERE c.tenant_id = r.tenant_id AND c.id = r.payment_id),
       '') AS charge_reference, r.attempt_until > now() AS attempt_running, r.attempts,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.refunds r WHERE r.tenant_id = $1 AND r.id = $2 FOR UPDATE OF r)sql"};

inline constexpr Query kTakeRefund{"refunds.take", R"sql(
UPDATE brandos.refunds r
SET attempt_until = now() + make_interval(secs => $3::bigint / 1000.0), attempts = attempts + 1,
    updated_at = now()
WHERE r.tenant_id = $1 AND r.id = $2 AND r.status = 'pending' AND r.attempt_until <= now()
  AND r.cancellation_id IS NULL
RETURNING r.id, r.order_id, r.payment_id, r.status, r.amount, r.currency, r.reason,
       r.provider_reference, r.failure_code, r.cancellation_id,
       coalesce(encode(r.request_fingerprint, 'hex'), '') AS fingerprint,
       coalesce((SELECT c.provider_reference FROM brandos.payments c           WHERE c.tenant_id = r.tenant_id AND c.id = r.payment_id),
       '') AS charge_reference, r.attempt_until > now() AS attempt_running, r.attempts,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at)sql"};

inline constexpr Query kSettleRefund{"refunds.settle", R"sql(
UPDATE brandos.refunds
SET status = $3, provider_reference = $4, failure_code = $5, attempt_until = now(),
    updated_at = now()
WHERE tenant_id = $1 AND id = $2 AND status = 'pending')sql"};

inline constexpr Query kReleaseRefund{"refunds.release", R"sql(
UPDATE brandos.refunds SET attempt_until = now()
WHERE tenant_id = $1 AND id = $2 AND status = 'pending' AND attempts = $3)sql"};

inline constexpr Query kListRefunds{"refunds.list", R"sql(
SELECT r.id, r.order_id, r.payment_id, r.status, r.amount, r.currency, r.reason,
       r.provider_reference, r.failure_code, r.cancellation_id,
       coalesce(encode(r.request_fingerprint, 'hex'), '') AS fingerprint,
       coalesce((SELECT c.provider_reference FROM brandos.payments c           WHERE c.tenant_id = r.tenant_id AND c.id = r.payment_id),
       '') AS charge_reference, r.attempt_until > now() AS attempt_running, r.attempts,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.refunds r WHERE r.tenant_id = $1 AND r.order_id = $2 ORDER BY r.id DESC)sql"};

inline constexpr Query kInsertCancellation{"order_cancellations.insert", R"sql(
INSERT INTO brandos.order_cancellations (id, tenant_id, order_id, step, reason, actor,
                                         attempt_until)
VALUES ($2, $1, $3, $4, $5, $6, now() + make_interval(secs => $7::bigint / 1000.0)))sql"};

inline constexpr Query kLockCancellation{"order_cancellations.lock", R"sql(
SELECT c.id, c.order_id, c.step, c.reason, c.actor, c.last_error,
       c.attempt_until > now() AS attempt_running, c.attempts
FROM brandos.order_cancellations c WHERE c.tenant_id = $1 AND c.id = $2 FOR UPDATE)sql"};

inline constexpr Query kLockCancellationRefund{"refunds.lock_of_cancellation", R"sql(
SELECT r.id, r.order_id, r.payment_id, r.status, r.amount, r.currency, r.reason,
       r.provider_reference, r.failure_code, r.cancellation_id,
       coalesce(encode(r.request_fingerprint, 'hex'), '') AS fingerprint,
       coalesce((SELECT c.provider_reference FROM brandos.payments c           WHERE c.tenant_id = r.tenant_id AND c.id = r.payment_id),
       '') AS charge_reference, r.attempt_until > now() AS attempt_running, r.attempts,
       to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM brandos.refunds r WHERE r.tenant_id = $1 AND r.cancellation_id = $2 FOR UPDATE OF r)sql"};

inline constexpr Query kTakeCancellation{"order_cancellations.take", R"sql(
UPDATE brandos.order_cancellations c
SET attempt_until = now() + make_interval(secs => $3::bigint / 1000.0), attempts = attempts + 1,
    updated_at = now()
WHERE c.tenant_id = $1 AND c.id = $2 AND c.step NOT IN ('completed', 'compensated')
  AND c.attempt_until <= now()
RETURNING c.id, c.order_id, c.step, c.reason, c.actor, c.last_error,
       c.attempt_until > now() AS attempt_running, c.attempts)sql"};

// Finished sagas give up their lease with their last step.
inline constexpr Query kAdvanceCancellation{"order_cancellations.advance", R"sql(
UPDATE brandos.order_cancellations
SET step = $3, last_error = $4, updated_at = now(),
    attempt_until = CASE WHEN $3 IN ('completed', 'compensated') THEN now() ELSE attempt_until END
WHERE tenant_id = $1 AND id = $2)sql"};

inline constexpr Query kReleaseCancellation{"order_cancellations.release", R"sql(
UPDATE brandos.order_cancellations SET attempt_until = now()
WHERE tenant_id = $1 AND id = $2 AND step NOT IN ('completed', 'compensated') AND attempts = $3)sql"};

}  // namespace brandos::pg::payment_sql
