-- A spent refresh token remembers the token it was exchanged for, so that the same exchange
-- repeated within a few seconds (two tabs refreshing at once) can be answered with that same
-- successor instead of being taken for the reuse of a stolen token (issue 9, item 9).
ALTER TABLE brandos.refresh_tokens ADD COLUMN successor_id uuid;
