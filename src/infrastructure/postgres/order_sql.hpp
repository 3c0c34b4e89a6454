#pragma once
// The SQL of OrderRepository, in one place so the benchmark's pgbench scripts can be checked
// against it (tests/bench_sql_test.cpp): bench/order_*.sql must run exactly these statements.
#include "infrastructure/postgres/tenant_scope.hpp"

namespace brandos::pg::order_sql {

// The order as the API shows it, built by the database so reads, events and responses agree.
#define ORDER_JSON(o)                                                                          \
  "jsonb_build_object('id', " o ".id, 'status', " o ".status, 'customer_id', " o               \
  ".customer_id, "                                                                             \
  "'items', coalesce((SELECT jsonb_agg(jsonb_build_object('product_id', i.product_id, 'sku', " \
  "i.sku, 'name', i.name, 'quantity', i.quantity, 'unit_price', i.unit_price, 'line_total', "  \
  "i.line_total) ORDER BY i.position) FROM brandos.order_items i WHERE i.order_id = " o        \
  ".id), "                                                                                     \
  "'[]'::jsonb), 'total', " o ".total, 'currency', " o ".currency, 'paid_amount', " o          \
  ".paid_amount, 'refunded_amount', " o ".refunded_amount, 'version', " o                      \
  ".version, "                                                                                 \
  "'created_at', " BRANDOS_SQL_TS(o ".created_at") ", 'updated_at', " BRANDOS_SQL_TS(          \
      o ".updated_at") ")"

inline constexpr const char* kNow = "SELECT " BRANDOS_SQL_TS("now()");
// Locked in id order: two orders for the same products queue instead of deadlocking.
inline constexpr const char* kLockProducts =
    "SELECT id, sku, name, price, currency, stock FROM brandos.products "
    "WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE";
inline constexpr const char* kCustomerExists =
    "SELECT count(*) FROM brandos.customers WHERE tenant_id = $1 AND id = $2 AND erased_at IS NULL";
inline constexpr const char* kReserve =
    "UPDATE brandos.products p SET stock = p.stock - r.quantity, updated_at = now() "
    "FROM unnest($2::uuid[], $3::bigint[]) AS r(id, quantity) "
    "WHERE p.tenant_id = $1 AND p.id = r.id";
inline constexpr const char* kInsertOrder =
    "INSERT INTO brandos.orders (id, tenant_id, status, customer_id, total, currency, created_by) "
    "VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6)";
inline constexpr const char* kInsertItems =
    "INSERT INTO brandos.order_items (tenant_id, order_id, position, product_id, sku, name, "
    "quantity, unit_price, line_total) "
    "SELECT $1, $2, r.position, r.product_id, r.sku, r.name, r.quantity, r.unit_price, "
    "r.quantity * r.unit_price FROM unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[], "
    "$7::bigint[]) WITH ORDINALITY AS r(product_id, sku, name, quantity, unit_price, position)";
inline constexpr const char* kInsertHistory =
    "INSERT INTO brandos.order_events (id, tenant_id, order_id, type, actor, data) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
inline constexpr const char* kInsertOutbox =
    "INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, "
    "aggregate_version, data) SELECT $1, o.tenant_id, $2, 'order', o.id, o.version, " ORDER_JSON(
        "o") " FROM brandos.orders o WHERE o.tenant_id = $3 AND o.id = $4";
// The first event of an order, with the order as rendered for the response.
inline constexpr const char* kInsertCreatedOutbox =
    "INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, "
    "aggregate_version, data) VALUES ($1, $2, 'order.created', 'order', $3, 1, $4)";
inline constexpr const char* kSelectOrder =
    "SELECT " ORDER_JSON("o") "::text FROM brandos.orders o WHERE o.tenant_id = $1 AND o.id = $2";
inline constexpr const char* kListOrders =
    "SELECT " ORDER_JSON("o") "::text FROM brandos.orders o WHERE o.tenant_id = $1 "
    "AND ($2::text IS NULL OR o.status = $2::text) AND ($3::uuid IS NULL OR o.customer_id = $3::uuid) "
    "AND ($4::timestamptz IS NULL OR o.created_at >= $4::timestamptz) "
    "AND ($5::timestamptz IS NULL OR o.created_at < $5::timestamptz) "
    "AND ($6::uuid IS NULL OR o.id < $6::uuid) ORDER BY o.id DESC LIMIT $7";
inline constexpr const char* kLockOrder =
    "SELECT status FROM brandos.orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE";
inline constexpr const char* kSetStatus =
    "UPDATE brandos.orders SET status = $3, version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2";
inline constexpr const char* kReleaseStock =
    "UPDATE brandos.products p SET stock = p.stock + i.quantity, updated_at = now() "
    "FROM brandos.order_items i WHERE i.tenant_id = $1 AND i.order_id = $2 AND p.id = i.product_id "
    "AND p.tenant_id = $1";
inline constexpr const char* kHistory =
    "SELECT id, type, " BRANDOS_SQL_TS("occurred_at") ", actor, data::text FROM brandos.order_events "
    "WHERE tenant_id = $1 AND order_id = $2 ORDER BY id";
inline constexpr const char* kOrderExists =
    "SELECT 1 FROM brandos.orders WHERE tenant_id = $1 AND id = $2";

}  // namespace brandos::pg::order_sql
