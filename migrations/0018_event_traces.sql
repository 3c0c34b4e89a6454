-- Traces that follow an event (issue 13): the W3C traceparent of the operation that wrote an event
-- is kept with it, so the relay's publish and every webhook delivery continue the request's trace
-- instead of starting one of their own. NULL for events written outside a traced operation (jobs);
-- those keep the trace named by the event id.
-- The checks are NOT VALID: every existing row is NULL, and validating would scan the tables under
-- the ALTER's exclusive lock; new and updated rows are checked all the same.
ALTER TABLE brandos.outbox_events ADD COLUMN traceparent text;
ALTER TABLE brandos.outbox_events ADD CONSTRAINT outbox_events_traceparent_length
  CHECK (traceparent IS NULL OR length(traceparent) = 55) NOT VALID;
ALTER TABLE brandos.webhook_deliveries ADD COLUMN traceparent text;
ALTER TABLE brandos.webhook_deliveries ADD CONSTRAINT webhook_deliveries_traceparent_length
  CHECK (traceparent IS NULL OR length(traceparent) = 55) NOT VALID;

DROP FUNCTION brandos.unpublished_events(integer);
CREATE FUNCTION brandos.unpublished_events(p_limit integer)
  RETURNS TABLE (id uuid, tenant_id uuid, type text, aggregate_id uuid,
                 aggregate_version integer, envelope text, traceparent text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    SELECT e.id, e.tenant_id, e.type, e.aggregate_id, e.aggregate_version,
           json_build_object(
             'id', e.id, 'type', e.type, 'tenant_id', e.tenant_id,
             'occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'aggregate_id', e.aggregate_id, 'aggregate_version', e.aggregate_version,
             'data', e.data)::text,
           e.traceparent
    FROM brandos.outbox_events e
    WHERE e.published_at IS NULL
    ORDER BY e.position
    LIMIT least(greatest(p_limit, 1), 1000)
  $$;
REVOKE ALL ON FUNCTION brandos.unpublished_events(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.unpublished_events(integer) TO brandos_app;

DROP FUNCTION brandos.claim_webhook_deliveries(integer, integer, integer, text, bigint);
CREATE FUNCTION brandos.claim_webhook_deliveries(p_limit integer, p_lease_s integer,
                                                 p_breaker_after integer, p_job text,
                                                 p_epoch bigint)
  RETURNS TABLE (id uuid, tenant_id uuid, endpoint_id uuid, event_id uuid, event_type text,
                 payload text, attempts integer, created_at timestamptz, url text, key_id text,
                 wrapped_key bytea, secret bytea, previous_secret bytea,
                 consecutive_failures integer, probe boolean, traceparent text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  lease interval := make_interval(secs => least(greatest(p_lease_s, 5), 600));
BEGIN
  PERFORM brandos.hold_job_lease(p_job, p_epoch);
  UPDATE brandos.webhook_deliveries d SET next_attempt_at = e.breaker_open_until
  FROM brandos.webhook_endpoints e
  WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now()
    AND e.breaker_open_until > now();
  RETURN QUERY
  WITH ranked AS (
    SELECT d.id, d.next_attempt_at, e.breaker_open_until IS NOT NULL AS half_open,
           greatest(greatest(p_breaker_after, 1) - e.consecutive_failures, 1) AS room,
           row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS rn
    FROM brandos.webhook_deliveries d
    JOIN brandos.webhook_endpoints e ON e.id = d.endpoint_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND e.active AND e.deleted_at IS NULL
  ), due AS (
    SELECT d.id FROM brandos.webhook_deliveries d JOIN ranked r ON r.id = d.id
    WHERE r.rn <= CASE WHEN r.half_open THEN 1 ELSE r.room END
    ORDER BY r.next_attempt_at
    LIMIT least(greatest(p_limit, 1), 500)
    FOR UPDATE OF d SKIP LOCKED
  ), claimed AS (
    UPDATE brandos.webhook_deliveries d SET next_attempt_at = now() + lease
    FROM due WHERE d.id = due.id
    RETURNING d.*
  ), probing AS (
    UPDATE brandos.webhook_endpoints e SET breaker_open_until = now() + lease
    WHERE e.breaker_open_until IS NOT NULL AND e.breaker_open_until <= now()
      AND e.id IN (SELECT c.endpoint_id FROM claimed c)
    RETURNING e.id
  )
  SELECT c.id, c.tenant_id, c.endpoint_id, c.event_id, c.event_type, c.payload, c.attempts,
         c.created_at, e.url, e.key_id, e.wrapped_key, e.secret,
         CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END,
         e.consecutive_failures, c.endpoint_id IN (SELECT p.id FROM probing p), c.traceparent
  FROM claimed c JOIN brandos.webhook_endpoints e ON e.id = c.endpoint_id;
END $$;

REVOKE ALL ON FUNCTION brandos.claim_webhook_deliveries(integer, integer, integer, text, bigint)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.claim_webhook_deliveries(integer, integer, integer, text, bigint)
  TO brandos_app;
