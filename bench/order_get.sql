-- pgbench baseline for GET /v1/orders/{id}: the service's authentication re-read
-- (pgbench reads ":name" as a variable, so the timestamp format spells its colons as chr(58).)
-- (brandos.authenticated_user) and its tenant-scoped read of the order (OrderRepository::get in a read unit of work).
SELECT role, email, name FROM brandos.authenticated_user(:tenant, :user);
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true), to_char(now() AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58))) AS now;
SELECT o.id, o.status, o.customer_id, o.total, o.currency, o.paid_amount, o.refunded_amount, o.version, to_char(o.created_at AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58))) AS created_at, to_char(o.updated_at AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58))) AS updated_at, i.product_id, i.sku, i.name AS item_name, i.quantity, i.unit_price, i.line_total FROM brandos.orders o LEFT JOIN brandos.order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id WHERE o.tenant_id = :tenant AND o.id = :oid ORDER BY i.position;
COMMIT;
