-- Who holds a job's run lease and since when, so a refused trigger can say so (BUSY: held by
-- instance X, run N, since T, until T + expiry unless renewed).
ALTER TABLE sync_state ADD COLUMN lease_holder VARCHAR(255);
ALTER TABLE sync_state ADD COLUMN lease_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE sync_state ADD COLUMN lease_run_id BIGINT;

-- A run writes here, before it sends them, which source rows it is about to create in Salesforce.
-- If the run dies or the response is lost after Salesforce committed, whichever later run finds the
-- record logs it CREATED (not UPDATED or unchanged), so created counts stay true. A row's intents
-- (one per run that tried) end when the row is linked; the oldest one is the create that counts.
CREATE TABLE sync_intent (
    job           VARCHAR(100)  NOT NULL,
    source_key    VARCHAR(255)  NOT NULL,
    run_id        BIGINT        NOT NULL,
    sobject       VARCHAR(80)   NOT NULL,
    external_id   VARCHAR(255),
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job, source_key, run_id)
);
