-- Inbound runs share their backlog too. The run a schedule fires polls Salesforce (the API calls stay
-- with it) and hands each poll page to the cluster as a unit of kind IN: the page's records (payload) and
-- where each object's (SystemModstamp, Id) cursor stands after it (cursors). Any instance's workers match,
-- merge and apply a page; the job's cursors move past a contiguous prefix of finished pages only.
-- Units of kind OUT are the source ranges of outbound runs, as before.
ALTER TABLE sync_work ADD COLUMN kind VARCHAR(3) DEFAULT 'OUT' NOT NULL;
ALTER TABLE sync_work ADD COLUMN payload TEXT;
ALTER TABLE sync_work ADD COLUMN cursors TEXT;
-- What each page of a shared inbound run holds, by which a record of a later page could depend on it: its
-- records' Ids (and the Ids they name: a converted Lead's Contact, a merge's survivor) and their matchOn
-- values. A record whose Id, Account or matchOn value an earlier page still being applied holds waits for
-- that page: records that belong together are applied in the order they were polled.
CREATE TABLE sync_work_ref (
    run_id BIGINT NOT NULL,
    seq    INT NOT NULL,
    ref    VARCHAR(300) NOT NULL
);
CREATE INDEX sync_work_ref_run ON sync_work_ref (run_id, ref);
