-- Tenancy and identity: tenants, their staff users, refresh tokens and the audit log.
--
-- Isolation is enforced by PostgreSQL itself: every tenant table has ROW LEVEL SECURITY enabled
-- and forced, with a policy on the transaction's app.tenant_id (set by the service with
-- set_config(..., true) at the start of each transaction). With no tenant set, nothing is
-- visible and nothing can be written. The service role cannot bypass it (it owns nothing and has
-- NOBYPASSRLS); the few lookups that must happen before a tenant is known are SECURITY DEFINER
-- functions below, each returning only the tenant id it resolves.

CREATE FUNCTION brandos.current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE brandos.tenants (
  id         uuid PRIMARY KEY,
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE brandos.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.tenants
  USING (id = brandos.current_tenant_id())
  WITH CHECK (id = brandos.current_tenant_id());

CREATE TABLE brandos.users (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES brandos.tenants (id),
  email         text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role          text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'staff', 'viewer')),
  password_hash text NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);
CREATE UNIQUE INDEX users_email_per_tenant ON brandos.users (tenant_id, email) WHERE deleted_at IS NULL;
-- Exactly one owner per tenant (at most one here; sign-up creates it).
CREATE UNIQUE INDEX users_one_owner ON brandos.users (tenant_id) WHERE role = 'owner' AND deleted_at IS NULL;
CREATE INDEX users_by_tenant_newest ON brandos.users (tenant_id, id DESC) WHERE deleted_at IS NULL;
ALTER TABLE brandos.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.users
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());

CREATE TABLE brandos.refresh_tokens (
  id         uuid PRIMARY KEY,
  tenant_id  uuid NOT NULL REFERENCES brandos.tenants (id),
  user_id    uuid NOT NULL REFERENCES brandos.users (id),
  family_id  uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE,  -- SHA-256 of the opaque token; the token itself is never stored
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  spent_at   timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON brandos.refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_user ON brandos.refresh_tokens (tenant_id, user_id);
ALTER TABLE brandos.refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.refresh_tokens
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());

CREATE TABLE brandos.audit_events (
  id            uuid PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES brandos.tenants (id),
  occurred_at   timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid,
  action        text NOT NULL,
  target_type   text,
  target_id     text,
  ip            text,
  request_id    text,
  outcome       text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  details       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_newest ON brandos.audit_events (tenant_id, id DESC);
CREATE INDEX audit_events_by_action ON brandos.audit_events (tenant_id, action, id DESC);
ALTER TABLE brandos.audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.audit_events
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());

-- The service may read and write rows of its tenant; the audit log is append-only for it.
GRANT SELECT, INSERT, UPDATE ON brandos.tenants TO brandos_app;
GRANT SELECT, INSERT, UPDATE ON brandos.users TO brandos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON brandos.refresh_tokens TO brandos_app;
GRANT SELECT, INSERT ON brandos.audit_events TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.current_tenant_id() TO brandos_app;

-- The pre-tenant path. Each function answers one narrow question and returns a tenant id, never
-- rows: login needs the tenant of a slug, refresh and logout the tenant of a presented token.
-- They run as the owner, which has BYPASSRLS (it owns the tables and could switch RLS off
-- anyway), with a fixed search_path.
CREATE FUNCTION brandos.tenant_id_for_slug(p_slug text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$ SELECT id FROM brandos.tenants WHERE slug = p_slug $$;

CREATE FUNCTION brandos.tenant_id_for_refresh_token(p_hash bytea) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$ SELECT tenant_id FROM brandos.refresh_tokens WHERE token_hash = p_hash $$;

REVOKE ALL ON FUNCTION brandos.tenant_id_for_slug(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION brandos.tenant_id_for_refresh_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.tenant_id_for_slug(text) TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.tenant_id_for_refresh_token(bytea) TO brandos_app;

-- A tenant-scoped single-statement read for the multiplexed connection: sets the tenant for its
-- own implicit transaction, then reads under RLS (SECURITY INVOKER: no bypass). Used on every
-- authenticated request to re-read the caller's role and existence.
CREATE FUNCTION brandos.authenticated_user(p_tenant uuid, p_user uuid)
  RETURNS TABLE (role text, email text, name text)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, brandos
  AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY SELECT u.role, u.email, u.name FROM brandos.users u
    WHERE u.tenant_id = p_tenant AND u.id = p_user AND u.deleted_at IS NULL;
END $$;
GRANT EXECUTE ON FUNCTION brandos.authenticated_user(uuid, uuid) TO brandos_app;
