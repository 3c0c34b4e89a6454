-- Catalog (products and their stock) and the transactional outbox every state change writes to.

CREATE TABLE brandos.products (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES brandos.tenants (id),
  sku         text NOT NULL CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text CHECK (length(description) <= 5000),
  price       bigint NOT NULL CHECK (price >= 0),
  currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- Never negative: concurrent reservations cannot oversell (the CHECK is the last line; the
  -- service's conditional UPDATEs are the first).
  stock       bigint NOT NULL CHECK (stock >= 0),
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX products_sku_per_tenant ON brandos.products (tenant_id, sku) WHERE deleted_at IS NULL;
CREATE INDEX products_newest ON brandos.products (tenant_id, id DESC) WHERE deleted_at IS NULL;
ALTER TABLE brandos.products ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.products FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.products
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON brandos.products TO brandos_app;

-- The transactional outbox: written in the same transaction as the change it describes, relayed
-- to the broker and webhooks later, so no event is ever lost or invented. The envelope of
-- API.md is (id, type, tenant_id, occurred_at, aggregate_id, aggregate_version, data).
CREATE TABLE brandos.outbox_events (
  id                uuid PRIMARY KEY,
  tenant_id         uuid NOT NULL REFERENCES brandos.tenants (id),
  type              text NOT NULL,
  aggregate_type    text NOT NULL,
  aggregate_id      uuid NOT NULL,
  aggregate_version integer NOT NULL,
  occurred_at       timestamptz NOT NULL DEFAULT now(),
  data              jsonb NOT NULL,
  published_at      timestamptz,
  UNIQUE (aggregate_id, aggregate_version, type)
);
CREATE INDEX outbox_events_unpublished ON brandos.outbox_events (occurred_at) WHERE published_at IS NULL;
CREATE INDEX outbox_events_by_aggregate ON brandos.outbox_events (tenant_id, aggregate_id, aggregate_version);
ALTER TABLE brandos.outbox_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.outbox_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.outbox_events
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());
GRANT SELECT, INSERT ON brandos.outbox_events TO brandos_app;
