-- The source row's changedAt that a sync_log entry is about: the overlap window sets a re-read row
-- aside only when this version (or a later one) has already been attempted for real.
ALTER TABLE sync_log ADD COLUMN source_changed_at TIMESTAMP WITH TIME ZONE;
