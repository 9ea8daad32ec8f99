-- Limits held for a whole cluster of instances sharing work. Salesforce calls per second: one row per
-- second of the database's clock, counting the calls granted in it. Calls in flight: one row per permit
-- (added by the first instance that needs them); a permit whose holder died is free once its time is up.
CREATE TABLE sync_call_second (
    at_second BIGINT PRIMARY KEY,
    calls   INT NOT NULL
);
CREATE TABLE sync_call_permit (
    slot    INT PRIMARY KEY,
    holder  VARCHAR(300),
    until   TIMESTAMP WITH TIME ZONE
);
-- A shared run's API budget share, held across its units on every instance: each unit reserves a batch's
-- calls before the batch and settles the reservation with what the batch spent when it is recorded.
ALTER TABLE sync_run ADD COLUMN api_allowance BIGINT;
ALTER TABLE sync_run ADD COLUMN api_reserved BIGINT DEFAULT 0 NOT NULL;
