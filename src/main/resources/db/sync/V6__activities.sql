-- Activities: one row per touchpoint a job has handled, the durable "this touchpoint is that Task". A
-- touchpoint whose person is not linked yet waits here PENDING and is read again once the person is.
CREATE TABLE sync_activity (
    job           VARCHAR(100)  NOT NULL,
    source_key    VARCHAR(255)  NOT NULL,
    person_key    VARCHAR(255),
    state         VARCHAR(10)   NOT NULL,
    reason        VARCHAR(80),
    sf_id         VARCHAR(18),
    who_id        VARCHAR(18),
    payload_hash  VARCHAR(64),
    content_sent  BOOLEAN       DEFAULT FALSE NOT NULL,
    synced_at     TIMESTAMP WITH TIME ZONE,
    -- the touchpoint's changedAt when it was last settled: a row read again at that version is set aside
    source_changed_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (job, source_key)
);
CREATE INDEX sync_activity_state ON sync_activity (job, state);

-- Per job: the activities' own (changed_at, key) watermark, apart from the people's.
ALTER TABLE sync_state ADD COLUMN activity_changed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sync_state ADD COLUMN activity_key VARCHAR(255);
-- the externalIdPrefix the job's Tasks were written with: another one would make every Task again
ALTER TABLE sync_state ADD COLUMN activity_prefix VARCHAR(20);
