package io.sfsync.exchange;

/**
 * The name of every exchange header and property sfsync's routes use, in one place: what a route of
 * one's own may read or set, and what the steps, the Salesforce calls and the API pass each other.
 */
public final class ExchangeKeys {
    private ExchangeKeys() {
    }

    // --- a run: set by whoever starts it (schedule, `sfsync run`, the API), read by start-run ---

    /** Header: the job to run (required). */
    public static final String JOB = "SfsyncJob";
    /** Header: what started the run — schedule, manual, api, cli. */
    public static final String TRIGGER = "SfsyncTrigger";
    /** Header: the segment to run instead of the job's default. */
    public static final String SEGMENT = "SfsyncSegment";
    /** Header: RUN, DRY_RUN or PLAN. */
    public static final String MODE = "SfsyncMode";
    /** Header: a List of source keys: only these rows (a retry, a push). */
    public static final String KEYS = "SfsyncKeys";
    /**
     * Header (Boolean) of a run of chosen rows: also send the job's touchpoints that wait and may go now (a
     * retry); other runs of chosen rows (a push, a resync) leave the activities alone.
     */
    public static final String WITH_WAITING_ACTIVITIES = "SfsyncWithWaitingActivities";
    /** Header: Lead or Contact, what unmatched rows become instead of the job's createAs. */
    public static final String CREATE_AS = "SfsyncCreateAs";
    /**
     * A resync asked for: {@code start} (the whole source) or an ISO-8601 instant (the rows changed at or
     * after it); the run re-reads those rows whatever its watermark says.
     */
    public static final String RESYNC_FROM = "SfsyncResyncFrom";
    /** Header of a run of one unit of another run's shared backlog (a sync_work row, claimed). */
    public static final String WORK_UNIT = "SfsyncWorkUnit";
    /** Property: who follows the run (progress lines, a plan's rows). */
    public static final String OBSERVER = "SfsyncRunObserver";

    // --- the flow: set and read by its steps ---

    /** Property: the run, set by start-run. */
    public static final String RUN = "SfsyncRun";
    /** Property: whether the run has more rows to read (the flow's loop condition). */
    public static final String MORE = "SfsyncMore";
    /** Property: whether the inbound loop polls another page (false once every polled object is caught up). */
    public static final String POLL_MORE = "SfsyncPollMore";
    /** Property: whether the activities loop reads another batch of touchpoints (false once they are all out). */
    public static final String ACTIVITIES_MORE = "SfsyncActivitiesMore";
    /** Property: the endpoint of the route that prepares a batch (default direct:sfsync-prepare-batch). */
    public static final String PREPARE = "SfsyncPrepare";
    /** Property on a prepare-batch exchange: the number of the batch being prepared. */
    public static final String BATCH_NUMBER = "SfsyncBatchNumber";
    /** Property: the endpoint of the job's flow, set by the job's entry route. */
    public static final String FLOW = "SfsyncFlow";
    /** Header set by finish-run: the run's final status. */
    public static final String STATUS = "SfsyncStatus";
    /** Property set by the dead-letter channel: why the run stopped. */
    public static final String STOP_REASON = "SfsyncStopReason";

    /** Property of the Kamelet sfsync-set-column: the value it is about to set. */
    public static final String COLUMN_VALUE = "SfsyncColumnValue";

    // --- a Salesforce call (route salesforce-call) ---

    /** Header: the camel-salesforce operation (composite, bulk2…). */
    public static final String SF_OPERATION = "SfsyncSfOperation";
    /** Header: whether the call is safe to send twice (then a transient failure is redelivered). */
    public static final String IDEMPOTENT = "SfsyncIdempotent";
    /** Property: how many times the call was sent (redeliveries included). */
    public static final String SENDS = "SfsyncSends";
    /** Property: the call's request body, kept for a redelivery. */
    public static final String SALESFORCE_REQUEST = "SfsyncSalesforceRequest";

    /** Header of the salesforce-limits-watch route: the daily API requests left. */
    public static final String API_REMAINING = "SfsyncApiRemaining";

    // --- the REST API ---

    /** Header: the authenticated user of an API request. */
    public static final String USER = "SfsyncUser";
}
