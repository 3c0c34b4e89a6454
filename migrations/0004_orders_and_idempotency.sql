-- Orders, their items and append-only history, and the idempotency keys that make
-- POST /v1/orders (later payments and refunds) safe to retry.

CREATE TABLE brandos.orders (
  id              uuid PRIMARY KEY,
  tenant_id       uuid NOT NULL REFERENCES brandos.tenants (id),
  status          text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'fulfilled', 'cancelled', 'refunded')),
  customer_id     uuid,
  total           bigint NOT NULL CHECK (total >= 0),
  currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  paid_amount     bigint NOT NULL DEFAULT 0 CHECK (paid_amount >= 0),
  refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= paid_amount),
  version         integer NOT NULL DEFAULT 1,
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_newest ON brandos.orders (tenant_id, id DESC);
CREATE INDEX orders_by_status ON brandos.orders (tenant_id, status, id DESC);
CREATE INDEX orders_by_customer ON brandos.orders (tenant_id, customer_id, id DESC) WHERE customer_id IS NOT NULL;
-- For the job that cancels unpaid orders after a while.
CREATE INDEX orders_unpaid ON brandos.orders (created_at) WHERE status = 'pending_payment';

CREATE TABLE brandos.order_items (
  tenant_id  uuid NOT NULL REFERENCES brandos.tenants (id),
  order_id   uuid NOT NULL REFERENCES brandos.orders (id),
  position   integer NOT NULL,
  product_id uuid NOT NULL REFERENCES brandos.products (id),
  sku        text NOT NULL,
  name       text NOT NULL,
  quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
  unit_price bigint NOT NULL CHECK (unit_price >= 0),
  line_total bigint NOT NULL CHECK (line_total >= 0),
  PRIMARY KEY (order_id, position)
);

-- The order's history as API.md shows it (GET /v1/orders/{id}/events): append-only.
CREATE TABLE brandos.order_events (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES brandos.tenants (id),
  order_id    uuid NOT NULL REFERENCES brandos.orders (id),
  type        text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,  -- a user id, or "system"
  data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX order_events_by_order ON brandos.order_events (tenant_id, order_id, id);

-- Idempotency: one row per (tenant, user, endpoint, key). A request claims its key (in_flight,
-- with a lock that expires if the process dies), and the same transaction that does the work
-- marks it done with the response, so a retry replays it instead of doing the work twice.
CREATE TABLE brandos.idempotency_keys (
  tenant_id       uuid NOT NULL REFERENCES brandos.tenants (id),
  user_id         uuid NOT NULL,
  endpoint        text NOT NULL,
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  fingerprint     bytea NOT NULL,  -- SHA-256 of method, path and body
  status          text NOT NULL CHECK (status IN ('in_flight', 'done')),
  locked_until    timestamptz NOT NULL,
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, endpoint, key)
);
CREATE INDEX idempotency_keys_age ON brandos.idempotency_keys (created_at);

ALTER TABLE brandos.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.orders
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());
ALTER TABLE brandos.order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.order_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.order_items
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());
ALTER TABLE brandos.order_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.order_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.order_events
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());
ALTER TABLE brandos.idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.idempotency_keys
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());

GRANT SELECT, INSERT, UPDATE ON brandos.orders TO brandos_app;
GRANT SELECT, INSERT ON brandos.order_items TO brandos_app;
GRANT SELECT, INSERT ON brandos.order_events TO brandos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON brandos.idempotency_keys TO brandos_app;

-- Keys are kept at least 24 hours; this removes older ones across tenants (for the reaper job,
-- which runs without a tenant). Returns how many it removed.
CREATE FUNCTION brandos.reap_idempotency_keys(p_older_than interval) RETURNS bigint
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    WITH gone AS (DELETE FROM brandos.idempotency_keys
                  WHERE created_at < now() - greatest(p_older_than, interval '24 hours')
                  RETURNING 1)
    SELECT count(*) FROM gone
  $$;
REVOKE ALL ON FUNCTION brandos.reap_idempotency_keys(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.reap_idempotency_keys(interval) TO brandos_app;
