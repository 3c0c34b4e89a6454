-- Nodes cache who a token's subject is (the per-request re-read of role and names), so a change to
-- a user must reach every node at once: each change or deletion of a user row notifies the
-- channel brandos_principals with '<tenant id>:<user id>'. NOTIFY is delivered at commit, to
-- sessions that LISTEN; nodes that are not listening do not cache.
CREATE FUNCTION brandos.notify_principal_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM pg_notify('brandos_principals', OLD.tenant_id::text || ':' || OLD.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER principal_changed AFTER UPDATE OR DELETE ON brandos.users
  FOR EACH ROW EXECUTE FUNCTION brandos.notify_principal_change();
