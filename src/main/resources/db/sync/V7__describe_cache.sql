-- The describe of each object a job maps, as the last run found it. A run maps and looks up its first
-- batch with it, so that lookup rides on the run's opening call beside the fresh describes; when those
-- differ, the batch is mapped and looked up again.
CREATE TABLE sync_describe (
    sobject     VARCHAR(80)  NOT NULL PRIMARY KEY,
    describe    TEXT         NOT NULL,
    fetched_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
