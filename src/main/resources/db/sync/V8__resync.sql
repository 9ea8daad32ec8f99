-- Resync. Per job, the fingerprint of the settings its rows were last read with (mapping, segment,
-- matching, ownership, accounts, source query), whole and per section: when it changes, the next run
-- reads the whole source again. Per run, the fingerprint it ran with and, when it re-read rows, why.
ALTER TABLE sync_state ADD COLUMN config_fingerprint VARCHAR(64);
ALTER TABLE sync_state ADD COLUMN config_sections VARCHAR(4000);
ALTER TABLE sync_run ADD COLUMN config_fingerprint VARCHAR(64);
ALTER TABLE sync_run ADD COLUMN resync VARCHAR(1000);
-- An asked-for resync compares each row with its Salesforce record (not with the hash of what was last
-- sent); kept until a run of the job reads to the end, so a resync cut short goes on comparing.
ALTER TABLE sync_state ADD COLUMN resync_compare BOOLEAN DEFAULT FALSE NOT NULL;
