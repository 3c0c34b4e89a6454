-- Unpaid orders are now cancelled by the job runner through the same use case as a user's cancel
-- (ManageOrders, in a unit of work of the order's tenant: history, outbox and stock alike), so the
-- order's shape lives once, in the API's serializer, and not again in SQL. Across tenants the job
-- only needs to find them: this returns ids and nothing else.
DROP FUNCTION brandos.cancel_unpaid_orders(interval, integer);

CREATE FUNCTION brandos.unpaid_orders_due(p_older_than interval, p_limit integer)
  RETURNS TABLE (tenant_id uuid, order_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    SELECT o.tenant_id, o.id FROM brandos.orders o
    WHERE o.status = 'pending_payment' AND o.created_at < now() - p_older_than
    ORDER BY o.created_at
    LIMIT p_limit
  $$;
REVOKE ALL ON FUNCTION brandos.unpaid_orders_due(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.unpaid_orders_due(interval, integer) TO brandos_app;
