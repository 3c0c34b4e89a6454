-- The cross-tenant maintenance functions bound what one call can do, whatever the caller asks
-- (issue 9, items 5 and 7): they run as the owner, across tenants, for a role that is otherwise
-- confined to one tenant.

-- Keys are reaped in batches, each its own short transaction, instead of one DELETE of every old
-- key (a long transaction, a burst of WAL, and locks held over the whole table's worth of rows).
-- Keys are still kept at least 24 hours; a batch holds 1 to 10,000 keys.
DROP FUNCTION brandos.reap_idempotency_keys(interval);
CREATE FUNCTION brandos.reap_idempotency_keys(p_older_than interval, p_limit integer)
  RETURNS bigint
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    WITH doomed AS (
      SELECT tenant_id, user_id, endpoint, key FROM brandos.idempotency_keys
      WHERE created_at < now() - greatest(p_older_than, interval '24 hours')
      ORDER BY created_at
      LIMIT least(greatest(p_limit, 1), 10000)
      FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM brandos.idempotency_keys k USING doomed d
      WHERE (k.tenant_id, k.user_id, k.endpoint, k.key) = (d.tenant_id, d.user_id, d.endpoint, d.key)
      RETURNING 1
    )
    SELECT count(*) FROM gone
  $$;
REVOKE ALL ON FUNCTION brandos.reap_idempotency_keys(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.reap_idempotency_keys(interval, integer) TO brandos_app;

-- Unpaid orders due for expiry: at least a second old (the smallest timeout the service accepts),
-- at most 1,000 per call.
CREATE OR REPLACE FUNCTION brandos.unpaid_orders_due(p_older_than interval, p_limit integer)
  RETURNS TABLE (tenant_id uuid, order_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    SELECT o.tenant_id, o.id FROM brandos.orders o
    WHERE o.status = 'pending_payment'
      AND o.created_at < now() - greatest(p_older_than, interval '1 second')
    ORDER BY o.created_at
    LIMIT least(greatest(p_limit, 1), 1000)
  $$;
