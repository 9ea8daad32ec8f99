-- One run per job across every sfsync instance sharing these tables: a run holds the job's lease
-- (its token and a heartbeat renewed per batch); a lease without a heartbeat for a while has expired.
ALTER TABLE sync_state ADD COLUMN lease_token VARCHAR(64);
ALTER TABLE sync_state ADD COLUMN lease_heartbeat TIMESTAMP WITH TIME ZONE;
