-- Customers, whose personal data is encrypted at rest. The database never sees plaintext: each
-- personal field is an XChaCha20-Poly1305 ciphertext under the customer's own data key, bound by
-- its associated data to (tenant, customer, field); the data key is stored only wrapped by a
-- master key named by key_id. E-mail uniqueness and lookup use a keyed blind index (an HMAC of
-- the normalised address), never the address. Erasure deletes the wrapped key and every
-- ciphertext (crypto-shredding); orders keep pointing at the anonymised customer row.

CREATE TABLE brandos.customers (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES brandos.tenants (id),
  email_index bytea,  -- HMAC-SHA256; NULL once erased
  email       bytea,  -- ciphertexts; NULL once erased
  name        bytea,
  phone       bytea,
  address     bytea,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  erased_at   timestamptz,
  CHECK ((erased_at IS NULL) = (email_index IS NOT NULL AND email IS NOT NULL AND name IS NOT NULL))
);
CREATE UNIQUE INDEX customers_email_per_tenant ON brandos.customers (tenant_id, email_index)
  WHERE erased_at IS NULL;
CREATE INDEX customers_newest ON brandos.customers (tenant_id, id DESC) WHERE erased_at IS NULL;

-- The wrapped data keys, apart from the data: erasing a customer deletes their row here.
CREATE TABLE brandos.customer_keys (
  customer_id uuid PRIMARY KEY REFERENCES brandos.customers (id),
  tenant_id   uuid NOT NULL REFERENCES brandos.tenants (id),
  key_id      text NOT NULL,   -- which master key wrapped it (rotation)
  wrapped_key bytea NOT NULL,  -- nonce || XChaCha20-Poly1305(master, data key)
  created_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE brandos.customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.customers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.customers
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());
ALTER TABLE brandos.customer_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.customer_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.customer_keys
  USING (tenant_id = brandos.current_tenant_id()) WITH CHECK (tenant_id = brandos.current_tenant_id());

GRANT SELECT, INSERT, UPDATE ON brandos.customers TO brandos_app;
GRANT SELECT, INSERT, DELETE ON brandos.customer_keys TO brandos_app;

ALTER TABLE brandos.orders
  ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES brandos.customers (id);
