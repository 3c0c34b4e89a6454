-- Orders left unpaid are cancelled after a while, releasing their stock. The job runs without a
-- tenant (it serves all of them), so the work is a SECURITY DEFINER function that does exactly
-- this and nothing else, writing the same history and outbox rows a user's cancel would.

-- UUIDv7 inside the database, for rows written by jobs (RFC 9562: 48-bit Unix milliseconds,
-- version 7, random rest).
CREATE FUNCTION brandos.uuid_v7() RETURNS uuid
  LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$
    SELECT encode(
      set_bit(set_bit(
        overlay(uuid_send(gen_random_uuid())
                placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
        52, 1), 53, 1),
      'hex')::uuid
  $$;

CREATE FUNCTION brandos.cancel_unpaid_orders(p_older_than interval, p_limit integer) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  o record;
  n integer := 0;
BEGIN
  FOR o IN
    SELECT id, tenant_id FROM brandos.orders
    WHERE status = 'pending_payment' AND created_at < now() - p_older_than
    ORDER BY created_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED  -- a node racing us (or a user cancelling) keeps its rows
  LOOP
    UPDATE brandos.orders SET status = 'cancelled', version = version + 1, updated_at = now()
      WHERE id = o.id;
    UPDATE brandos.products p SET stock = p.stock + i.quantity, updated_at = now()
      FROM brandos.order_items i
      WHERE i.order_id = o.id AND p.id = i.product_id AND p.tenant_id = o.tenant_id;
    INSERT INTO brandos.order_events (id, tenant_id, order_id, type, actor, data)
      VALUES (brandos.uuid_v7(), o.tenant_id, o.id, 'order.cancelled', 'system',
              jsonb_build_object('reason', 'unpaid'));
    INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id,
                                       aggregate_version, data)
      SELECT brandos.uuid_v7(), x.tenant_id, 'order.cancelled', 'order', x.id, x.version,
        jsonb_build_object('id', x.id, 'status', x.status, 'customer_id', x.customer_id,
          'items', coalesce((SELECT jsonb_agg(jsonb_build_object('product_id', i.product_id,
              'sku', i.sku, 'name', i.name, 'quantity', i.quantity, 'unit_price', i.unit_price,
              'line_total', i.line_total) ORDER BY i.position)
            FROM brandos.order_items i WHERE i.order_id = x.id), '[]'::jsonb),
          'total', x.total, 'currency', x.currency, 'paid_amount', x.paid_amount,
          'refunded_amount', x.refunded_amount, 'version', x.version,
          'created_at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'updated_at', to_char(x.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      FROM brandos.orders x WHERE x.id = o.id;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION brandos.cancel_unpaid_orders(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.cancel_unpaid_orders(interval, integer) TO brandos_app;
