-- Webhook delivery, as reviewed (issue 11):
--  - A closed breaker no longer lets a whole batch of one endpoint's deliveries go at once: a
--    claim takes at most (breaker threshold - failures in a row) of an endpoint's deliveries, so
--    a short outage opens the breaker instead of burning through to the disabling threshold.
--  - Disabling an endpoint writes its audit entry and its webhook_endpoint.disabled event in the
--    same transaction, so it can never be disabled silently (a crash or a lost lease between two
--    transactions did that before).
--  - record_webhook_attempt locks the endpoint before the delivery, the order a manual retry
--    takes them in, so the two cannot deadlock.

DROP FUNCTION brandos.claim_webhook_deliveries(integer, integer, text, bigint);
CREATE FUNCTION brandos.claim_webhook_deliveries(p_limit integer, p_lease_s integer,
                                                 p_breaker_after integer, p_job text,
                                                 p_epoch bigint)
  RETURNS TABLE (id uuid, tenant_id uuid, endpoint_id uuid, event_id uuid, event_type text,
                 payload text, attempts integer, created_at timestamptz, url text, key_id text,
                 wrapped_key bytea, secret bytea, previous_secret bytea,
                 consecutive_failures integer, probe boolean)
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
         e.consecutive_failures, c.endpoint_id IN (SELECT p.id FROM probing p)
  FROM claimed c JOIN brandos.webhook_endpoints e ON e.id = c.endpoint_id;
END $$;

DROP FUNCTION brandos.record_webhook_attempt(uuid, boolean, integer, text, integer, bigint, bigint,
                                             boolean, text, bigint);
-- As before, and when this attempt disables the endpoint: its audit entry (p_audit_id) and its
-- event (p_event_id) in the same transaction. Returns the endpoint's new version when it
-- disabled it, else NULL.
CREATE FUNCTION brandos.record_webhook_attempt(
    p_delivery uuid, p_succeeded boolean, p_status_code integer, p_error text,
    p_latency_ms integer, p_next_attempt_in_ms bigint, p_breaker_open_ms bigint,
    p_disable boolean, p_audit_id uuid, p_event_id uuid, p_request_id text, p_job text,
    p_epoch bigint)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  endpoint uuid;
  tenant uuid;
  was_active boolean;
  new_version integer;
BEGIN
  PERFORM brandos.hold_job_lease(p_job, p_epoch);
  SELECT d.endpoint_id INTO endpoint FROM brandos.webhook_deliveries d WHERE d.id = p_delivery;
  IF endpoint IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT e.active, e.tenant_id INTO was_active, tenant
  FROM brandos.webhook_endpoints e WHERE e.id = endpoint FOR UPDATE;
  UPDATE brandos.webhook_deliveries SET
    attempts = attempts + 1,
    status = CASE WHEN p_succeeded THEN 'succeeded'
                  WHEN p_next_attempt_in_ms IS NULL THEN 'failed' ELSE 'pending' END,
    next_attempt_at = CASE WHEN p_succeeded OR p_next_attempt_in_ms IS NULL THEN NULL
                           ELSE now() + make_interval(secs => p_next_attempt_in_ms / 1000.0) END,
    last_attempt_at = now(), last_status_code = p_status_code,
    last_error = left(p_error, 500), last_latency_ms = p_latency_ms, updated_at = now()
  WHERE id = p_delivery;
  UPDATE brandos.webhook_endpoints SET
    consecutive_failures = CASE WHEN p_succeeded THEN 0 ELSE consecutive_failures + 1 END,
    breaker_open_until = CASE WHEN p_succeeded THEN NULL
                              WHEN p_breaker_open_ms IS NOT NULL
                              THEN now() + make_interval(secs => p_breaker_open_ms / 1000.0)
                              ELSE breaker_open_until END,
    active = active AND NOT p_disable,
    disabled_reason = CASE WHEN p_disable AND active THEN 'too many failed deliveries'
                           ELSE disabled_reason END,
    version = version + CASE WHEN p_disable AND active THEN 1 ELSE 0 END,
    updated_at = now()
  WHERE id = endpoint
  RETURNING version INTO new_version;
  IF NOT (was_active AND p_disable) THEN
    RETURN NULL;
  END IF;
  INSERT INTO brandos.audit_events (id, tenant_id, action, target_type, target_id, request_id,
                                    outcome, details)
  VALUES (p_audit_id, tenant, 'webhook.disabled', 'webhook', endpoint::text, p_request_id,
          'success', '{"reason":"too many failed deliveries"}');
  INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id,
                                     aggregate_version, data)
  VALUES (p_event_id, tenant, 'webhook_endpoint.disabled', 'webhook_endpoint', endpoint,
          new_version,
          jsonb_build_object('id', endpoint, 'reason', 'too many failed deliveries'));
  RETURN new_version;
END $$;

REVOKE ALL ON FUNCTION brandos.claim_webhook_deliveries(integer, integer, integer, text, bigint)
  FROM PUBLIC;
REVOKE ALL ON FUNCTION brandos.record_webhook_attempt(uuid, boolean, integer, text, integer, bigint,
                                                      bigint, boolean, uuid, uuid, text, text,
                                                      bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.claim_webhook_deliveries(integer, integer, integer, text, bigint)
  TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.record_webhook_attempt(uuid, boolean, integer, text, integer,
                                                         bigint, bigint, boolean, uuid, uuid, text,
                                                         text, bigint) TO brandos_app;
