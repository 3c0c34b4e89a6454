-- pgbench baseline for GET /v1/orders/{id}: the service's authentication re-read
-- (pgbench reads ":name" as a variable, so the timestamp format spells its colons as chr(58).)
-- (brandos.authenticated_user) and its tenant-scoped read of the order (OrderRepository::get).
SELECT role, email, name FROM brandos.authenticated_user(:tenant, :user);
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT jsonb_build_object('id', o.id, 'status', o.status, 'customer_id', o.customer_id, 'items', coalesce((SELECT jsonb_agg(jsonb_build_object('product_id', i.product_id, 'sku', i.sku, 'name', i.name, 'quantity', i.quantity, 'unit_price', i.unit_price, 'line_total', i.line_total) ORDER BY i.position) FROM brandos.order_items i WHERE i.order_id = o.id), '[]'::jsonb), 'total', o.total, 'currency', o.currency, 'paid_amount', o.paid_amount, 'refunded_amount', o.refunded_amount, 'version', o.version, 'created_at', to_char(o.created_at AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58))), 'updated_at', to_char(o.updated_at AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58))))::text FROM brandos.orders o WHERE o.tenant_id = :tenant AND o.id = :oid;
COMMIT;
