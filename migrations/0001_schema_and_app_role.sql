-- The schema every BrandOS table lives in, owned by the role that runs migrations.
-- The application role (brandos_app) owns nothing: it gets exactly the privileges each later
-- migration grants table by table, and it can neither bypass row-level security nor create
-- objects.
REVOKE ALL ON SCHEMA brandos FROM PUBLIC;
GRANT USAGE ON SCHEMA brandos TO brandos_app;

-- Health checks and operators read this to see which schema version a node runs against.
GRANT SELECT ON brandos.schema_migrations TO brandos_app;
