-- An erasure deletes the customer's wrapped data key and clears the ciphertexts, but the old row
-- versions stay in the table files until VACUUM removes them (issue 9, item 19). Autovacuum's
-- defaults wait for 50 rows plus 20 % of the table to die; for these two tables any dead row is
-- reason enough, so the window closes within autovacuum's naptime (1 minute by default) rather
-- than whenever enough other rows have died. Both tables are small and rarely updated.
ALTER TABLE brandos.customer_keys
  SET (autovacuum_vacuum_threshold = 1, autovacuum_vacuum_scale_factor = 0);
ALTER TABLE brandos.customers
  SET (autovacuum_vacuum_threshold = 1, autovacuum_vacuum_scale_factor = 0);
