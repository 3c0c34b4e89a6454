-- The outbox relay is no longer woken from inside the writing transaction (issue 11): a
-- notifying transaction holds a database-wide lock from its commit until its WAL is flushed, so
-- every order's commit waited for the one before it (bench/relay.sh: an order's p50 went from
-- 2.4 to 22 ms at 500 orders/s). The service sends pg_notify('brandos_outbox') in a statement of
-- its own after such a commit (pg::OutboxNudge); the relay still LISTENs, and still polls.
DROP TRIGGER outbox_written ON brandos.outbox_events;
DROP FUNCTION brandos.notify_outbox();

-- Marking events published commits without waiting for its WAL flush: the mark is no
-- acknowledgement to anyone, and losing it to a crash only publishes those events again, which
-- delivery at least once (and every consumer's inbox) already allows. The relay's next step no
-- longer waits for an fsync. Everything else the relay, the consumers and the API write stays
-- synchronous.
CREATE OR REPLACE FUNCTION brandos.mark_events_published(p_ids uuid[], p_job text, p_epoch bigint)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, brandos
  AS $$
DECLARE
  marked bigint;
BEGIN
  PERFORM brandos.hold_job_lease(p_job, p_epoch);
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE brandos.outbox_events SET published_at = now()
  WHERE id = ANY (p_ids) AND published_at IS NULL;
  GET DIAGNOSTICS marked = ROW_COUNT;
  RETURN marked;
END $$;
