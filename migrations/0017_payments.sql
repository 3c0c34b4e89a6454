-- Payments, refunds and the cancellation of paid orders (issue 12, ADR 0018).
--
-- Each row is a recovery point: it is written before the payment gateway is called, the call
-- happens between transactions, and the outcome is written after. `attempt_until` is the lease
-- of whoever drives the row now (a request or the settlement job): while it runs, nobody else
-- does; once it lapses (the driver crashed or gave up), anyone may take it and finish the work by
-- asking the gateway with the same key, which never charges twice.

CREATE TABLE brandos.payments (
  id                  uuid PRIMARY KEY,  -- also the gateway's Idempotency-Key
  tenant_id           uuid NOT NULL REFERENCES brandos.tenants (id),
  order_id            uuid NOT NULL REFERENCES brandos.orders (id),
  status              text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  provider            text NOT NULL,
  payment_method      text NOT NULL CHECK (length(payment_method) BETWEEN 1 AND 255),
  provider_reference  text,
  failure_code        text,
  -- The request that asked for it: its Idempotency-Key finds this row again after a crash.
  request_user_id     uuid NOT NULL,
  request_key         text NOT NULL,
  request_fingerprint bytea NOT NULL,
  attempt_until       timestamptz NOT NULL,
  attempts            integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, request_user_id, request_key)
);
CREATE INDEX payments_by_order ON brandos.payments (tenant_id, order_id, id);
-- An order is charged at most once: one payment in progress or succeeded per order.
CREATE UNIQUE INDEX payments_one_live_per_order ON brandos.payments (tenant_id, order_id)
  WHERE status IN ('pending', 'succeeded');
CREATE INDEX payments_pending ON brandos.payments (attempt_until) WHERE status = 'pending';

-- A paid order's cancellation, a saga: refund → release stock → mark cancelled, each step its
-- own transaction that moves `step` on (a step whose transaction finds the saga past it does
-- nothing). A refund the gateway refuses compensates: the saga ends `compensated`, the order stays
-- paid.
CREATE TABLE brandos.order_cancellations (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES brandos.tenants (id),
  order_id      uuid NOT NULL REFERENCES brandos.orders (id),
  step          text NOT NULL CHECK (step IN ('refunding', 'releasing_stock', 'marking_cancelled',
                                              'completed', 'compensated')),
  reason        text NOT NULL DEFAULT '',
  actor         text NOT NULL,
  last_error    text,
  attempt_until timestamptz NOT NULL,
  attempts      integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX order_cancellations_one_running ON brandos.order_cancellations (tenant_id, order_id)
  WHERE step NOT IN ('completed', 'compensated');
CREATE INDEX order_cancellations_running ON brandos.order_cancellations (attempt_until)
  WHERE step NOT IN ('completed', 'compensated');

CREATE TABLE brandos.refunds (
  id                  uuid PRIMARY KEY,  -- also the gateway's Idempotency-Key
  tenant_id           uuid NOT NULL REFERENCES brandos.tenants (id),
  order_id            uuid NOT NULL REFERENCES brandos.orders (id),
  payment_id          uuid NOT NULL REFERENCES brandos.payments (id),
  status              text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason              text NOT NULL DEFAULT '',
  provider_reference  text,
  failure_code        text,
  -- A refund asked for by a request (with its key), or the first step of a cancellation.
  request_user_id     uuid,
  request_key         text,
  request_fingerprint bytea,
  cancellation_id     uuid REFERENCES brandos.order_cancellations (id),
  attempt_until       timestamptz NOT NULL,
  attempts            integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, request_user_id, request_key),
  CHECK ((request_key IS NULL) <> (cancellation_id IS NULL))
);
CREATE INDEX refunds_by_order ON brandos.refunds (tenant_id, order_id, id);
CREATE INDEX refunds_pending ON brandos.refunds (attempt_until)
  WHERE status = 'pending' AND cancellation_id IS NULL;

ALTER TABLE brandos.payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.payments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.payments
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());
ALTER TABLE brandos.refunds ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.refunds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.refunds
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());
ALTER TABLE brandos.order_cancellations ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.order_cancellations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.order_cancellations
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());

GRANT SELECT, INSERT, UPDATE ON brandos.payments TO brandos_app;
GRANT SELECT, INSERT, UPDATE ON brandos.refunds TO brandos_app;
GRANT SELECT, INSERT, UPDATE ON brandos.order_cancellations TO brandos_app;

-- For the settlement job, which runs without a tenant: what was left unfinished — payments and
-- refunds still pending and cancellations still running whose driver's lease has lapsed — oldest
-- lease first. Returns ids only.
CREATE FUNCTION brandos.unsettled_payments_due(p_limit integer)
  RETURNS TABLE (tenant_id uuid, kind text, id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    SELECT u.tenant_id, u.kind, u.id FROM (
      (SELECT p.tenant_id, 'payment'::text AS kind, p.id, p.attempt_until FROM brandos.payments p
       WHERE p.status = 'pending' AND p.attempt_until <= now() ORDER BY p.attempt_until LIMIT p_limit)
      UNION ALL
      (SELECT r.tenant_id, 'refund', r.id, r.attempt_until FROM brandos.refunds r
       WHERE r.status = 'pending' AND r.cancellation_id IS NULL AND r.attempt_until <= now()
       ORDER BY r.attempt_until LIMIT p_limit)
      UNION ALL
      (SELECT c.tenant_id, 'cancellation', c.id, c.attempt_until FROM brandos.order_cancellations c
       WHERE c.step NOT IN ('completed', 'compensated') AND c.attempt_until <= now()
       ORDER BY c.attempt_until LIMIT p_limit)
    ) u ORDER BY u.attempt_until LIMIT least(greatest(p_limit, 1), 1000)
  $$;
REVOKE ALL ON FUNCTION brandos.unsettled_payments_due(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.unsettled_payments_due(integer) TO brandos_app;

-- The expiry of unpaid orders leaves alone an order whose payment is still being settled.
CREATE OR REPLACE FUNCTION brandos.unpaid_orders_due(p_older_than interval, p_limit integer)
  RETURNS TABLE (tenant_id uuid, order_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    SELECT o.tenant_id, o.id FROM brandos.orders o
    WHERE o.status = 'pending_payment'
      AND o.created_at < now() - greatest(p_older_than, interval '1 second')
      AND NOT EXISTS (SELECT 1 FROM brandos.payments p
                      WHERE p.tenant_id = o.tenant_id AND p.order_id = o.id AND p.status = 'pending')
    ORDER BY o.created_at
    LIMIT least(greatest(p_limit, 1), 1000)
  $$;
