-- Webhooks (issue 11): a tenant's endpoints, and one delivery per (endpoint, event) with its
-- retries, fed by the webhook fan-out consumer and worked off by the leader-elected delivery job.

-- An endpoint's signing secret is stored sealed (XChaCha20-Poly1305 under a data key of its own,
-- wrapped by a master key, bound to tenant, endpoint and field), never in the clear. During a
-- rotation the previous secret signs too, until previous_secret_expires_at.
CREATE TABLE brandos.webhook_endpoints (
  id                         uuid PRIMARY KEY,
  tenant_id                  uuid NOT NULL,
  url                        text NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
  events                     text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 50),
  description                text CHECK (length(description) <= 500),
  key_id                     text NOT NULL,
  wrapped_key                bytea NOT NULL,
  secret                     bytea NOT NULL,
  previous_secret            bytea,
  previous_secret_expires_at timestamptz,
  active                     boolean NOT NULL DEFAULT true,
  disabled_reason            text,
  -- The endpoint's health: failed attempts in a row, and the circuit breaker.
  consecutive_failures       integer NOT NULL DEFAULT 0,
  breaker_open_until         timestamptz,
  version                    integer NOT NULL DEFAULT 1,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  deleted_at                 timestamptz
);
CREATE INDEX webhook_endpoints_newest ON brandos.webhook_endpoints (tenant_id, id DESC)
  WHERE deleted_at IS NULL;
ALTER TABLE brandos.webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.webhook_endpoints
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON brandos.webhook_endpoints TO brandos_app;

-- One delivery of one event to one endpoint: pending until a 2xx (succeeded) or until its
-- retries run out (failed); the last attempt's outcome is kept for the delivery log.
CREATE TABLE brandos.webhook_deliveries (
  id               uuid PRIMARY KEY,
  tenant_id        uuid NOT NULL,
  endpoint_id      uuid NOT NULL REFERENCES brandos.webhook_endpoints (id),
  event_id         uuid NOT NULL,
  event_type       text NOT NULL,
  payload          text NOT NULL,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  last_attempt_at  timestamptz,
  last_status_code integer,
  last_error       text,
  last_latency_ms  integer,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON brandos.webhook_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_newest ON brandos.webhook_deliveries (endpoint_id, id DESC);
ALTER TABLE brandos.webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.webhook_deliveries
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON brandos.webhook_deliveries TO brandos_app;

-- The delivery job's claim, across tenants: up to p_limit (1..500) deliveries due now whose
-- endpoint is active, each pushed p_lease_s (5..600 s) into the future so a crashed leader's
-- claims come due again, never lost. Fenced by the job's lease.
-- The circuit breaker: while it is open (breaker_open_until in the future) an endpoint's
-- deliveries wait for it without using an attempt; once that time has passed (half-open) one
-- delivery goes as a probe, and the breaker is re-armed for the claim's lease so no second probe
-- follows until the first one's outcome closes it (success) or opens it again (failure).
CREATE FUNCTION brandos.claim_webhook_deliveries(p_limit integer, p_lease_s integer, p_job text,
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
           row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS rn
    FROM brandos.webhook_deliveries d
    JOIN brandos.webhook_endpoints e ON e.id = d.endpoint_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND e.active AND e.deleted_at IS NULL
  ), due AS (
    SELECT d.id FROM brandos.webhook_deliveries d JOIN ranked r ON r.id = d.id
    WHERE NOT r.half_open OR r.rn = 1
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

-- Records one attempt's outcome and what the job decided from it (the retry policy and the
-- breaker are the domain's): the delivery's new state, and the endpoint's health. Disabling an
-- endpoint is the caller's to audit and announce. Fenced by the job's lease. Returns whether the
-- endpoint was active before (false: nothing to announce).
CREATE FUNCTION brandos.record_webhook_attempt(
    p_delivery uuid, p_succeeded boolean, p_status_code integer, p_error text,
    p_latency_ms integer, p_next_attempt_in_ms bigint, p_breaker_open_ms bigint,
    p_disable boolean, p_job text, p_epoch bigint)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  endpoint uuid;
  was_active boolean;
  new_version integer;
BEGIN
  PERFORM brandos.hold_job_lease(p_job, p_epoch);
  UPDATE brandos.webhook_deliveries SET
    attempts = attempts + 1,
    status = CASE WHEN p_succeeded THEN 'succeeded'
                  WHEN p_next_attempt_in_ms IS NULL THEN 'failed' ELSE 'pending' END,
    next_attempt_at = CASE WHEN p_succeeded OR p_next_attempt_in_ms IS NULL THEN NULL
                           ELSE now() + make_interval(secs => p_next_attempt_in_ms / 1000.0) END,
    last_attempt_at = now(), last_status_code = p_status_code,
    last_error = left(p_error, 500), last_latency_ms = p_latency_ms, updated_at = now()
  WHERE id = p_delivery
  RETURNING endpoint_id INTO endpoint;
  IF endpoint IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT active INTO was_active FROM brandos.webhook_endpoints WHERE id = endpoint FOR UPDATE;
  UPDATE brandos.webhook_endpoints SET
    consecutive_failures = CASE WHEN p_succeeded THEN 0 ELSE consecutive_failures + 1 END,
    breaker_open_until = CASE WHEN p_succeeded THEN NULL
                              WHEN p_breaker_open_ms IS NOT NULL
                              THEN now() + make_interval(secs => p_breaker_open_ms / 1000.0)
                              ELSE breaker_open_until END,
    active = active AND NOT p_disable,
    version = version + CASE WHEN p_disable AND active THEN 1 ELSE 0 END,
    disabled_reason = CASE WHEN p_disable AND active THEN 'too many failed deliveries'
                           ELSE disabled_reason END,
    updated_at = now()
  WHERE id = endpoint
  RETURNING version INTO new_version;
  RETURN CASE WHEN was_active AND p_disable THEN new_version END;
END $$;

REVOKE ALL ON FUNCTION brandos.claim_webhook_deliveries(integer, integer, text, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION brandos.record_webhook_attempt(uuid, boolean, integer, text, integer, bigint,
                                                      bigint, boolean, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.claim_webhook_deliveries(integer, integer, text, bigint)
  TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.record_webhook_attempt(uuid, boolean, integer, text, integer,
                                                         bigint, bigint, boolean, text, bigint)
  TO brandos_app;
