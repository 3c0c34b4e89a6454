#pragma once
// The SQL of ProductRepository (a header, so bench/ can be checked against it).
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::product_sql {

inline constexpr Query kInsert{"products.insert", R"sql(
INSERT INTO brandos.products (id, tenant_id, sku, name, description, price, currency, stock)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8))sql"};

inline constexpr Query kSelect{"products.get", R"sql(
SELECT id, sku, name, description, price, currency, stock, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.products WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL)sql"};

inline constexpr Query kLock{"products.lock", R"sql(
SELECT id, sku, name, description, price, currency, stock, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.products WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE)sql"};

inline constexpr Query kList{"products.list", R"sql(
SELECT id, sku, name, description, price, currency, stock, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
FROM brandos.products
WHERE tenant_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR sku = $2::text)
  AND ($3::uuid IS NULL OR id < $3::uuid)
ORDER BY id DESC LIMIT $4)sql"};

// Locked in id order: two orders for the same products queue instead of deadlocking.
// $2 sorted ascending: the products are locked one by one in that order (concurrent orders queue,
// never deadlock), each by a primary-key probe. Written as a probe per id, not `id = ANY($2)`:
// on a table without statistics yet (a new database) the planner otherwise reads every product
// of the tenant through (tenant_id, id) to save a sort, and keeps that plan (ADR 0012).
inline constexpr Query kLockForOrder{"products.lock_for_order", R"sql(
SELECT p.id, p.sku, p.name, p.price, p.currency, p.stock
FROM unnest($2::uuid[]) WITH ORDINALITY AS r(id, ord)
CROSS JOIN LATERAL (SELECT * FROM brandos.products p
                    WHERE p.tenant_id = $1 AND p.id = r.id AND p.deleted_at IS NULL
                    LIMIT 1 FOR UPDATE) p
ORDER BY r.ord)sql"};

inline constexpr Query kSave{"products.save", R"sql(
UPDATE brandos.products SET name = $3, description = $4, price = $5, stock = $6, version = $7,
       updated_at = now()
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL)sql"};

inline constexpr Query kRemove{"products.remove", R"sql(
UPDATE brandos.products SET deleted_at = now(), version = $3, updated_at = now()
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL)sql"};

// $2 distinct ids, $3 their quantities. By `id = ANY`, not a join with unnest: a join may be
// planned as a scan of all the tenant's products (ADR 0012).
inline constexpr Query kReserve{"products.reserve", R"sql(
UPDATE brandos.products p
SET stock = p.stock - ($3::bigint[])[array_position($2::uuid[], p.id)], updated_at = now()
WHERE p.tenant_id = $1 AND p.id = ANY($2::uuid[]))sql"};

// Locks an order's products in id order first (as placement does), so a cancel and a placement
// over the same products queue instead of deadlocking; the UPDATE then takes locks it holds.
inline constexpr Query kLockOrderProducts{"products.lock_of_order", R"sql(
SELECT p.id FROM brandos.products p
WHERE p.tenant_id = $1
  AND p.id IN (SELECT i.product_id FROM brandos.order_items i
               WHERE i.tenant_id = $1 AND i.order_id = $2)
ORDER BY p.id FOR UPDATE)sql"};
inline constexpr Query kReleaseOrderStock{"products.release_order_stock", R"sql(
UPDATE brandos.products p SET stock = p.stock + i.quantity, updated_at = now()
FROM brandos.order_items i
WHERE i.tenant_id = $1 AND i.order_id = $2 AND p.id = i.product_id AND p.tenant_id = $1)sql"};

}  // namespace brandos::pg::product_sql
