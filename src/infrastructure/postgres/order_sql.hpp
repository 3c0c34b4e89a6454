#pragma once
// The SQL of OrderRepository (a header, so bench/order_*.sql can be checked against it: see
// order_sql_test.cpp).
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::order_sql {

// A primary-key probe per id (as products.lock_for_order, ADR 0012), in no particular order.
inline constexpr Query kLiveCustomers{"customers.live", R"sql(
SELECT c.id FROM unnest($2::uuid[]) AS r(id)
CROSS JOIN LATERAL (SELECT id FROM brandos.customers c
                    WHERE c.tenant_id = $1 AND c.id = r.id AND c.erased_at IS NULL LIMIT 1) c)sql"};

// Orders, their items and history entries are written one statement each for however many orders
// a batch placed: per-statement work is paid once per batch (ADR 0013).
inline constexpr Query kInsertOrders{"orders.insert", R"sql(
INSERT INTO brandos.orders (id, tenant_id, status, customer_id, total, currency, created_by)
SELECT r.id, $1, 'pending_payment', r.customer_id, r.total, r.currency, r.created_by
FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::uuid[])
     AS r(id, customer_id, total, currency, created_by))sql"};

inline constexpr Query kInsertItems{"order_items.insert", R"sql(
INSERT INTO brandos.order_items (tenant_id, order_id, position, product_id, sku, name, quantity,
                                 unit_price, line_total)
SELECT $1, r.order_id, r.position, r.product_id, r.sku, r.name, r.quantity, r.unit_price,
       r.quantity * r.unit_price
FROM unnest($2::uuid[], $3::integer[], $4::uuid[], $5::text[], $6::text[], $7::bigint[],
            $8::bigint[]) AS r(order_id, position, product_id, sku, name, quantity, unit_price))sql"};

inline constexpr Query kInsertHistory{"order_events.insert", R"sql(
INSERT INTO brandos.order_events (id, tenant_id, order_id, type, actor, data)
SELECT r.id, $1, r.order_id, r.type, r.actor, r.data::jsonb
FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
     AS r(id, order_id, type, actor, data))sql"};

// An order with its items, one row per item (one row with null item columns when it has none).
inline constexpr Query kSelectOrder{"orders.get", R"sql(
SELECT o.id, o.status, o.customer_id, o.total, o.currency, o.paid_amount, o.refunded_amount,
       o.version,
       to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at,
       i.product_id, i.sku, i.name AS item_name, i.quantity, i.unit_price, i.line_total
FROM brandos.orders o
LEFT JOIN brandos.order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id
WHERE o.tenant_id = $1 AND o.id = $2
ORDER BY i.position)sql"};

inline constexpr Query kLockOrder{"orders.lock", R"sql(
SELECT o.id, o.status, o.customer_id, o.total, o.currency, o.paid_amount, o.refunded_amount,
       o.version,
       to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at,
       i.product_id, i.sku, i.name AS item_name, i.quantity, i.unit_price, i.line_total
FROM brandos.orders o
LEFT JOIN brandos.order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id
WHERE o.tenant_id = $1 AND o.id = $2
ORDER BY i.position
FOR UPDATE OF o)sql"};

inline constexpr Query kListOrders{"orders.list", R"sql(
WITH o AS (
  SELECT * FROM brandos.orders
  WHERE tenant_id = $1
    AND ($2::text IS NULL OR status = $2::text)
    AND ($3::uuid IS NULL OR customer_id = $3::uuid)
    AND ($4::timestamptz IS NULL OR created_at >= $4::timestamptz)
    AND ($5::timestamptz IS NULL OR created_at < $5::timestamptz)
    AND ($6::uuid IS NULL OR id < $6::uuid)
  ORDER BY id DESC LIMIT $7)
SELECT o.id, o.status, o.customer_id, o.total, o.currency, o.paid_amount, o.refunded_amount,
       o.version,
       to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(o.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at,
       i.product_id, i.sku, i.name AS item_name, i.quantity, i.unit_price, i.line_total
FROM o
LEFT JOIN brandos.order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id
ORDER BY o.id DESC, i.position)sql"};

inline constexpr Query kSaveStatus{"orders.save_status", R"sql(
UPDATE brandos.orders SET status = $3, version = $4, updated_at = now()
WHERE tenant_id = $1 AND id = $2)sql"};

inline constexpr Query kSaveAmounts{"orders.save_amounts", R"sql(
UPDATE brandos.orders
SET status = $3, version = $4, paid_amount = $5, refunded_amount = $6, updated_at = now()
WHERE tenant_id = $1 AND id = $2)sql"};

inline constexpr Query kOrderExists{"orders.exists", R"sql(
SELECT 1 FROM brandos.orders WHERE tenant_id = $1 AND id = $2)sql"};

inline constexpr Query kHistory{"order_events.list", R"sql(
SELECT id, type,
       to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
       actor, data::text AS data
FROM brandos.order_events WHERE tenant_id = $1 AND order_id = $2 ORDER BY id)sql"};

}  // namespace brandos::pg::order_sql
