-- The readiness query, exactly as DatabaseProbe::kSql sends it (kept in sync by bench/run.sh).
SELECT 1
