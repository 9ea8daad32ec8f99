-- Resync. Per job, the fingerprint of the settings its rows were last read with (mapping, segment,
-- matching, ownership, accounts, source query), whole and per section: when it changes, the next run
-- reads the whole source again. Per run, the fingerprint it ran with and, when it re-read rows, why.
ALTER TABLE sync_state ADD COLUMN config_fingerprint VARCHAR(64);
ALTER TABLE sync_state ADD COLUMN config_sections VARCHAR(4000);
ALTER TABLE sync_run ADD COLUMN config_fingerprint VARCHAR(64);
ALTER TABLE sync_run ADD COLUMN resync VARCHAR(1000);
