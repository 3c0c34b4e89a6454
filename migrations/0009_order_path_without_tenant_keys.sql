-- The tables an order writes no longer check tenant_id against brandos.tenants (ADR 0013). Every
-- inserted row's foreign key fires a check that key-share locks the parent row, so each order
-- locked its tenant's row five times over, and every concurrent order of the tenant locked the
-- same row (bench/order_breakdown.sh: V2 against V4). The check guards nothing here: tenants are
-- never deleted, and row-level security already refuses any row whose tenant_id is not the
-- transaction's tenant, which the service only ever sets from a tenant that exists (SQL run under
-- an app.tenant_id naming no tenant could now insert such rows). Low-volume tables (users,
-- products, customers) keep theirs.
ALTER TABLE brandos.orders DROP CONSTRAINT orders_tenant_id_fkey;
ALTER TABLE brandos.order_items DROP CONSTRAINT order_items_tenant_id_fkey;
ALTER TABLE brandos.order_events DROP CONSTRAINT order_events_tenant_id_fkey;
ALTER TABLE brandos.outbox_events DROP CONSTRAINT outbox_events_tenant_id_fkey;
ALTER TABLE brandos.idempotency_keys DROP CONSTRAINT idempotency_keys_tenant_id_fkey;
