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
inline constexpr Query kLockForOrder{"products.lock_for_order", R"sql(
SELECT id, sku, name, price, currency, stock FROM brandos.products
WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE)sql"};

inline constexpr Query kSave{"products.save", R"sql(
UPDATE brandos.products SET name = $3, description = $4, price = $5, stock = $6, version = $7,
       updated_at = now()
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL)sql"};

inline constexpr Query kRemove{"products.remove", R"sql(
UPDATE brandos.products SET deleted_at = now(), version = $3, updated_at = now()
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL)sql"};

inline constexpr Query kReserve{"products.reserve", R"sql(
UPDATE brandos.products p SET stock = p.stock - r.quantity, updated_at = now()
FROM unnest($2::uuid[], $3::bigint[]) AS r(id, quantity)
WHERE p.tenant_id = $1 AND p.id = r.id)sql"};

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
