-- An erasure deletes the customer's wrapped data key and clears the ciphertexts, but the old row
-- versions stay in the table files until VACUUM removes them (issue 9, item 19). Autovacuum's
-- defaults wait for more than 50 rows plus 20 % of the table to die; for these two tables (and
-- their TOAST tables, where long ciphertexts live) a single dead row is reason enough (it runs
-- when dead rows exceed threshold + scale × rows, so 0 and 0), and the window closes within
-- autovacuum's naptime (1 minute by default). Both tables are small and rarely updated.
ALTER TABLE brandos.customer_keys
  SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0,
       toast.autovacuum_vacuum_threshold = 0, toast.autovacuum_vacuum_scale_factor = 0);
ALTER TABLE brandos.customers
  SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0,
       toast.autovacuum_vacuum_threshold = 0, toast.autovacuum_vacuum_scale_factor = 0);
