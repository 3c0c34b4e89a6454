-- Events leave the database (issue 11): leases with fencing epochs for background jobs, the
-- outbox relay's reads and fenced writes, the consumers' inbox, and the sales read model.

-- One lease per background job. Taken and renewed on the database clock; each takeover raises
-- the epoch, and every write a job makes checks its epoch in its own transaction
-- (brandos.hold_job_lease), so a leader that was paused past its lease cannot write.
-- Only the functions below touch this table; the application role has no privilege on it.
CREATE TABLE brandos.job_leases (
  job        text PRIMARY KEY CHECK (job ~ '^[a-z0-9-]{1,64}$'),
  holder     text NOT NULL CHECK (length(holder) BETWEEN 1 AND 200),
  epoch      bigint NOT NULL CHECK (epoch > 0),
  taken_at   timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Row-level security with no policy: nobody but the owner (and its SECURITY DEFINER functions)
-- sees a row, whatever privilege a later migration might grant by mistake.
ALTER TABLE brandos.job_leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.job_leases FORCE ROW LEVEL SECURITY;

-- Takes or renews `p_job` for `p_holder` for `p_ttl_ms` (clamped to 0.2 s .. 10 min). Returns the
-- epoch when `p_holder` holds the lease afterwards, no row when another holder's lease runs.
-- A holder renewing its running lease keeps its epoch; anyone taking a lapsed lease (the same
-- holder included: it cannot know whether someone held it meanwhile) gets the next epoch.
-- The row lock of the upsert waits for any transaction that is inside hold_job_lease (FOR SHARE),
-- so a takeover is ordered after every write the old epoch made.
CREATE FUNCTION brandos.take_job_lease(p_job text, p_holder text, p_ttl_ms integer)
  RETURNS TABLE (epoch bigint)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    INSERT INTO brandos.job_leases AS l (job, holder, epoch, taken_at, expires_at)
    VALUES (p_job, p_holder, 1, clock_timestamp(),
            clock_timestamp() + make_interval(secs => least(greatest(p_ttl_ms, 200), 600000) / 1000.0))
    ON CONFLICT (job) DO UPDATE
      SET holder = excluded.holder,
          epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp()
                       THEN l.epoch ELSE l.epoch + 1 END,
          taken_at = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp()
                          THEN l.taken_at ELSE clock_timestamp() END,
          expires_at = excluded.expires_at
      WHERE l.holder = excluded.holder OR l.expires_at <= clock_timestamp()
    RETURNING l.epoch
  $$;

-- A holder stopping cleanly lets the lease lapse at once, so the next leader need not wait.
CREATE FUNCTION brandos.release_job_lease(p_job text, p_holder text, p_epoch bigint)
  RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    UPDATE brandos.job_leases SET expires_at = clock_timestamp()
    WHERE job = p_job AND holder = p_holder AND epoch = p_epoch
  $$;

-- The fence: raises 'BRL01' unless `p_epoch` is still the lease's epoch, and keeps the lease row
-- share-locked to the end of the caller's transaction, so no takeover can commit in between.
-- An epoch whose lease lapsed with nobody taking over is still accepted: no one else can write.
CREATE FUNCTION brandos.hold_job_lease(p_job text, p_epoch bigint)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
BEGIN
  PERFORM 1 FROM brandos.job_leases WHERE job = p_job AND epoch = p_epoch FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'lease of job % is no longer at epoch %', p_job, p_epoch
      USING ERRCODE = 'BRL01';
  END IF;
END $$;

REVOKE ALL ON FUNCTION brandos.take_job_lease(text, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION brandos.release_job_lease(text, text, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION brandos.hold_job_lease(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.take_job_lease(text, text, integer) TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.release_job_lease(text, text, bigint) TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.hold_job_lease(text, bigint) TO brandos_app;

-- The relay reads the outbox in the order rows were inserted. An event of an aggregate is written
-- under that aggregate's row lock, after the previous version committed, so its position is
-- higher and it becomes visible no earlier: reading unpublished rows by position keeps each
-- aggregate's versions in order. (occurred_at, the transaction's start, would not.)
ALTER TABLE brandos.outbox_events ADD COLUMN position bigint GENERATED ALWAYS AS IDENTITY;
DROP INDEX brandos.outbox_events_unpublished;
CREATE INDEX outbox_events_unpublished ON brandos.outbox_events (position) WHERE published_at IS NULL;
CREATE INDEX outbox_events_published ON brandos.outbox_events (published_at) WHERE published_at IS NOT NULL;

-- Wakes the relay: one notification per inserting statement, merged per transaction by
-- PostgreSQL and delivered at commit. The relay also polls, so a lost wake-up only delays.
CREATE FUNCTION brandos.notify_outbox() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM pg_notify('brandos_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_written AFTER INSERT ON brandos.outbox_events
  FOR EACH STATEMENT EXECUTE FUNCTION brandos.notify_outbox();

-- The next unpublished events of every tenant, oldest first, with the envelope of API.md rendered
-- here, once (1..1,000 per call). Read-only: the relay is fenced where it writes.
CREATE FUNCTION brandos.unpublished_events(p_limit integer)
  RETURNS TABLE (id uuid, tenant_id uuid, type text, aggregate_id uuid,
                 aggregate_version integer, envelope text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
    SELECT e.id, e.tenant_id, e.type, e.aggregate_id, e.aggregate_version,
           json_build_object(
             'id', e.id, 'type', e.type, 'tenant_id', e.tenant_id,
             'occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'aggregate_id', e.aggregate_id, 'aggregate_version', e.aggregate_version,
             'data', e.data)::text
    FROM brandos.outbox_events e
    WHERE e.published_at IS NULL
    ORDER BY e.position
    LIMIT least(greatest(p_limit, 1), 1000)
  $$;

-- Marks events published once the broker confirmed them; fenced by the relay's lease.
CREATE FUNCTION brandos.mark_events_published(p_ids uuid[], p_job text, p_epoch bigint)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  marked bigint;
BEGIN
  PERFORM brandos.hold_job_lease(p_job, p_epoch);
  UPDATE brandos.outbox_events SET published_at = now()
  WHERE id = ANY (p_ids) AND published_at IS NULL;
  GET DIAGNOSTICS marked = ROW_COUNT;
  RETURN marked;
END $$;

-- Deletes up to p_limit (1..10,000) events published more than p_older_than ago (at least an
-- hour); fenced like every job's write.
CREATE FUNCTION brandos.prune_published_events(p_older_than interval, p_limit integer,
                                               p_job text, p_epoch bigint)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  pruned bigint;
BEGIN
  PERFORM brandos.hold_job_lease(p_job, p_epoch);
  WITH doomed AS (
    SELECT id FROM brandos.outbox_events
    WHERE published_at < now() - greatest(p_older_than, interval '1 hour')
    ORDER BY published_at
    LIMIT least(greatest(p_limit, 1), 10000)
    FOR UPDATE SKIP LOCKED
  )
  DELETE FROM brandos.outbox_events o USING doomed d WHERE o.id = d.id;
  GET DIAGNOSTICS pruned = ROW_COUNT;
  RETURN pruned;
END $$;

REVOKE ALL ON FUNCTION brandos.unpublished_events(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION brandos.mark_events_published(uuid[], text, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION brandos.prune_published_events(interval, integer, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.unpublished_events(integer) TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.mark_events_published(uuid[], text, bigint) TO brandos_app;
GRANT EXECUTE ON FUNCTION brandos.prune_published_events(interval, integer, text, bigint)
  TO brandos_app;

-- The inbox: which events each consumer has applied, written in the same transaction as the
-- effects, so a redelivered event changes nothing the second time.
CREATE TABLE brandos.inbox (
  consumer     text NOT NULL CHECK (consumer ~ '^[a-z0-9-]{1,64}$'),
  event_id     uuid NOT NULL,
  tenant_id    uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_processed ON brandos.inbox (processed_at);
ALTER TABLE brandos.inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.inbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.inbox
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());
GRANT SELECT, INSERT ON brandos.inbox TO brandos_app;

-- Inbox entries outlive any redelivery (the relay retries unconfirmed events within minutes; the
-- broker redelivers unacknowledged ones at once): kept 7 days at least, reaped in bounded batches.
CREATE FUNCTION brandos.reap_inbox(p_older_than interval, p_limit integer, p_job text,
                                   p_epoch bigint)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  reaped bigint;
BEGIN
  PERFORM brandos.hold_job_lease(p_job, p_epoch);
  WITH doomed AS (
    SELECT consumer, event_id FROM brandos.inbox
    WHERE processed_at < now() - greatest(p_older_than, interval '7 days')
    ORDER BY processed_at
    LIMIT least(greatest(p_limit, 1), 10000)
    FOR UPDATE SKIP LOCKED
  )
  DELETE FROM brandos.inbox i USING doomed d
  WHERE (i.consumer, i.event_id) = (d.consumer, d.event_id);
  GET DIAGNOSTICS reaped = ROW_COUNT;
  RETURN reaped;
END $$;
REVOKE ALL ON FUNCTION brandos.reap_inbox(interval, integer, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION brandos.reap_inbox(interval, integer, text, bigint) TO brandos_app;

-- The sales read model behind GET /v1/analytics/sales: orders placed and not cancelled, and their
-- totals, per UTC hour of placement and currency (days are sums of hours). Fed only by events.
CREATE TABLE brandos.sales_by_hour (
  tenant_id    uuid NOT NULL,
  bucket_start timestamptz NOT NULL CHECK (date_trunc('hour', bucket_start) = bucket_start),
  currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  orders       bigint NOT NULL,
  revenue      bigint NOT NULL,
  PRIMARY KEY (tenant_id, bucket_start, currency)
);
ALTER TABLE brandos.sales_by_hour ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.sales_by_hour FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.sales_by_hour
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON brandos.sales_by_hour TO brandos_app;

-- How fresh the read model is per tenant: the time of the newest event it has applied.
CREATE TABLE brandos.sales_as_of (
  tenant_id uuid PRIMARY KEY,
  as_of     timestamptz NOT NULL
);
ALTER TABLE brandos.sales_as_of ENABLE ROW LEVEL SECURITY;
ALTER TABLE brandos.sales_as_of FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brandos.sales_as_of
  USING (tenant_id = brandos.current_tenant_id())
  WITH CHECK (tenant_id = brandos.current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON brandos.sales_as_of TO brandos_app;
