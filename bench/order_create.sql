-- pgbench baseline for POST /v1/orders: the statements the service runs for one order, in its one
-- transaction (claim the idempotency key, place the order, complete the key), from
-- IdempotencyRecords and ManageOrders::place on the unit of work. pgbench sends them one by one;
-- the service pipelines them into two round trips.
-- (pgbench reads ":name" as a variable, so the timestamp format spells its colons as chr(58).)
SELECT gen_random_uuid()::text AS okey, brandos.uuid_v7() AS oid, brandos.uuid_v7() AS hid, brandos.uuid_v7() AS eid \gset
SELECT :tenant::text || chr(58) || :user::text || chr(58) || 'POST /v1/orders' || chr(58) || :okey::text AS lockkey \gset
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true), to_char(now() AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58))) AS now;
SELECT pg_try_advisory_xact_lock(hashtextextended(:lockkey, 0)) AS mine;
SELECT status, fingerprint = '\x00'::bytea AS same_request, response_status, response_body, locked_until > now() AS held FROM brandos.idempotency_keys WHERE tenant_id = :tenant AND user_id = :user AND endpoint = 'POST /v1/orders' AND key = :okey;
SELECT id, sku, name, price, currency, stock FROM brandos.products WHERE tenant_id = :tenant AND id = ANY(:pids::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE;
UPDATE brandos.products p SET stock = p.stock - r.quantity, updated_at = now() FROM unnest(:pids::uuid[], '{1,1,1}'::bigint[]) AS r(id, quantity) WHERE p.tenant_id = :tenant AND p.id = r.id;
INSERT INTO brandos.orders (id, tenant_id, status, customer_id, total, currency, created_by) VALUES (:oid, :tenant, 'pending_payment', NULL, 3000, 'EUR', :user);
INSERT INTO brandos.order_items (tenant_id, order_id, position, product_id, sku, name, quantity, unit_price, line_total) SELECT :tenant, :oid, r.position, r.product_id, r.sku, r.name, r.quantity, r.unit_price, r.quantity * r.unit_price FROM unnest(:pids::uuid[], '{A,B,C}'::text[], '{A,B,C}'::text[], '{1,1,1}'::bigint[], '{1000,1000,1000}'::bigint[]) WITH ORDINALITY AS r(product_id, sku, name, quantity, unit_price, position);
INSERT INTO brandos.order_events (id, tenant_id, order_id, type, actor, data) VALUES (:hid, :tenant, :oid, 'order.created', :user, '{"total":3000,"currency":"EUR"}');
INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, data) VALUES (:eid, brandos.current_tenant_id(), 'order.created', 'order', :oid, 1, '{"id":"x","status":"pending_payment","customer_id": null,"items":[],"total":3000,"currency":"EUR","paid_amount":0,"refunded_amount":0,"version":1}');
INSERT INTO brandos.idempotency_keys (tenant_id, user_id, endpoint, key, fingerprint, status, locked_until, response_status, response_body) VALUES (:tenant, :user, 'POST /v1/orders', :okey, '\x00'::bytea, 'done', now(), 201, '{"id":"x"}') ON CONFLICT (tenant_id, user_id, endpoint, key) DO UPDATE SET status = 'done', fingerprint = EXCLUDED.fingerprint, response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body WHERE brandos.idempotency_keys.status = 'in_flight';
COMMIT;
