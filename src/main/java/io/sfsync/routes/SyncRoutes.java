package io.sfsync.routes;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;

import io.sfsync.config.SyncConfig;
import io.sfsync.salesforce.ConnectionMonitor;
import io.sfsync.sync.SyncMetrics;
import io.sfsync.mapping.Transforms;
import io.sfsync.synclog.SyncStore;

import io.sfsync.matching.MatchIndex;
import io.sfsync.salesforce.ErrorClassifier;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.sync.AccountStep;
import io.sfsync.sync.Batch;
import io.sfsync.sync.DeadLetterStep;
import io.sfsync.sync.MapStep;
import io.sfsync.sync.MatchStep;
import io.sfsync.sync.OverwriteStep;
import io.sfsync.sync.OwnershipStep;
import io.sfsync.sync.ReadStep;
import io.sfsync.sync.RecordStep;
import io.sfsync.sync.RunContext;
import io.sfsync.sync.RunLifecycle;
import io.sfsync.sync.SyncServices;
import io.sfsync.sync.WriteStep;

/**
 * The building blocks the YAML routes compose, one {@code direct:} endpoint per step. The exchange
 * carries the run in the property {@code SfsyncRun} and the current batch as the body.
 *
 * <table>
 * <tr><th>endpoint</th><th>in</th><th>does</th><th>out</th></tr>
 * <tr><td>direct:sfsync-start-run</td><td>headers SfsyncJob (required), SfsyncTrigger (schedule|manual|api|cli),
 *   SfsyncSegment, SfsyncMode (RUN|DRY_RUN|PLAN), SfsyncKeys (List of source keys, for retry)</td>
 *   <td>opens a sync_run, reads limits, describes and the fallback owner in one Composite call</td>
 *   <td>property SfsyncRun; property SfsyncMore = whether there are rows to read</td></tr>
 * <tr><td>direct:sfsync-read-batch</td><td>SfsyncRun</td><td>reads the next page after the watermark</td>
 *   <td>body: Batch; SfsyncMore</td></tr>
 * <tr><td>direct:sfsync-map</td><td>Batch</td><td>mapping processor; settles out-of-segment, do-not-contact,
 *   mapping errors, unchanged rows and duplicates in the batch</td><td>Batch</td></tr>
 * <tr><td>direct:sfsync-match</td><td>Batch</td><td>one Composite lookup: links, external IDs, emails, owners,
 *   accounts</td><td>Batch; property SfsyncMatchIndex</td></tr>
 * <tr><td>direct:sfsync-ownership</td><td>Batch</td><td>owners of new records; owned-by-other-user filter</td><td>Batch</td></tr>
 * <tr><td>direct:sfsync-overwrite</td><td>Batch</td><td>overwrite rules, required fields, field diff</td><td>Batch</td></tr>
 * <tr><td>direct:sfsync-accounts</td><td>Batch</td><td>account match / create / update, Contact association</td><td>Batch</td></tr>
 * <tr><td>direct:sfsync-write</td><td>Batch</td><td>sObject Collections in Composite calls; per-record outcomes</td><td>Batch</td></tr>
 * <tr><td>direct:sfsync-record</td><td>Batch</td><td>sync_log, sync_link and watermark in one transaction</td><td>Batch</td></tr>
 * <tr><td>direct:sfsync-finish-run</td><td>SfsyncRun</td><td>closes the sync_run with counts and summary</td>
 *   <td>body: RunContext; header SfsyncStatus</td></tr>
 * <tr><td>direct:sfsync-salesforce</td><td>body: Composite JSON; SfsyncIdempotent</td><td>calls camel-salesforce;
 *   redelivers transient failures with exponential backoff when the request is idempotent</td><td>response JSON</td></tr>
 * <tr><td>direct:dead-letter-to-sync-log</td><td>a failed step's exchange</td><td>records the batch's unsettled rows as
 *   PENDING and ends the run FAILED: nothing is dropped, the watermark stays</td><td>-</td></tr>
 * </table>
 */
public final class SyncRoutes extends RouteBuilder {
    public static final String MORE = "SfsyncMore";
    public static final String MATCH_INDEX = "SfsyncMatchIndex";
    private static final String REQUEST = "SfsyncSalesforceRequest";

    private final SyncConfig config;
    private final DataSource source;
    private final SyncStore store;
    private final int redeliveries;
    private final long redeliveryDelayMs;
    private volatile SyncServices services;

    private final ConnectionMonitor connection;
    private final SyncMetrics metrics;

    public SyncRoutes(SyncConfig config, DataSource source, SyncStore store, ConnectionMonitor connection,
            SyncMetrics metrics, int redeliveries, long redeliveryDelayMs) {
        this.connection = connection;
        this.metrics = metrics;
        this.config = config;
        this.source = source;
        this.store = store;
        this.redeliveries = redeliveries;
        this.redeliveryDelayMs = redeliveryDelayMs;
    }

    /** The services the steps share; available once the routes are configured. */
    public SyncServices services() {
        return services;
    }

    @Override
    public void configure() {
        SalesforceClient salesforce = new SalesforceClient(getContext().createProducerTemplate(), new ObjectMapper(),
                config.salesforce().apiVersion());
        salesforce.onLimitInfo((used, max) -> {
            connection.limits(max, max - used);
            metrics.limitsFromHeader(max, max - used);
        });
        services = new SyncServices(config, source, store, salesforce, new Transforms(new SimpleExpressions(getContext())),
                connection, metrics, new io.sfsync.monitoring.AlertNotifier(config.alerts()));
        RunLifecycle lifecycle = new RunLifecycle(services);
        MapStep map = new MapStep();
        MatchStep match = new MatchStep();
        ReadStep read = new ReadStep(map, match);
        OwnershipStep ownership = new OwnershipStep();
        OverwriteStep overwrite = new OverwriteStep();
        AccountStep accounts = new AccountStep();
        WriteStep write = new WriteStep(lifecycle, redeliveryDelayMs);
        RecordStep record = new RecordStep();
        DeadLetterStep deadLetter = new DeadLetterStep(services.store(), lifecycle);

        // the dead-letter step finds the batch in flight on the run itself (RunContext.inFlight)
        errorHandler(deadLetterChannel("direct:dead-letter-to-sync-log").maximumRedeliveries(0)
                .logExhausted(true).logExhaustedMessageHistory(false));

        from("direct:sfsync-start-run").routeId("sync-start-run")
                .process(e -> {
                    RunContext run = lifecycle.start(e.getMessage().getHeader("SfsyncJob", String.class),
                            RunContext.Mode.valueOf(e.getMessage().getHeader("SfsyncMode", "RUN", String.class)),
                            e.getMessage().getHeader("SfsyncTrigger", "manual", String.class),
                            e.getMessage().getHeader("SfsyncSegment", String.class),
                            keys(e), e.getMessage().getHeader("SfsyncProgress", java.util.function.Consumer.class),
                            e.getMessage().getHeader("SfsyncCreateAs", String.class));
                    @SuppressWarnings("unchecked")
                    java.util.function.Consumer<io.sfsync.sync.RecordWork> planSink =
                            e.getMessage().getHeader("SfsyncPlanSink", java.util.function.Consumer.class);
                    if (planSink != null) {
                        run.planTo(planSink);
                    }
                    e.setProperty(RunContext.PROPERTY, run);
                    e.setProperty(MORE, run.more());
                });
        from("direct:sfsync-read-batch").routeId("sync-read-batch")
                .process(e -> {
                    RunContext run = run(e);
                    run.timed("read", () -> e.getMessage().setBody(read.read(run)));
                    e.setProperty(MORE, run.more());
                });
        from("direct:sfsync-map").routeId("sync-map").process(e -> run(e).timed("map", () -> map.apply(run(e), batch(e))));
        from("direct:sfsync-match").routeId("sync-match")
                .process(e -> run(e).timed("match", () -> {
                    e.setProperty(MATCH_INDEX, match.apply(run(e), batch(e)));
                    read.lookUpNextWhileWriting(run(e), batch(e));
                }));
        from("direct:sfsync-ownership").routeId("sync-ownership")
                .process(e -> run(e).timed("ownership", () -> ownership.apply(run(e), batch(e))));
        from("direct:sfsync-overwrite").routeId("sync-overwrite")
                .process(e -> run(e).timed("overwrite", () -> overwrite.apply(run(e), batch(e))));
        from("direct:sfsync-accounts").routeId("sync-accounts")
                .process(e -> run(e).timed("accounts", () -> accounts.apply(run(e), batch(e),
                        e.getProperty(MATCH_INDEX, MatchIndex.class))));
        from("direct:sfsync-write").routeId("sync-write")
                .process(e -> {
                    run(e).timed("write", () -> write.apply(run(e), batch(e)));
                    e.setProperty(MORE, run(e).more());
                });
        from("direct:sfsync-record").routeId("sync-record")
                .process(e -> run(e).timed("record", () -> record.apply(run(e), batch(e))));
        from("direct:sfsync-finish-run").routeId("sync-finish-run")
                .process(e -> {
                    RunContext run = run(e);
                    e.getMessage().setHeader("SfsyncStatus", deadLetter.finishOnce(run));
                    e.getMessage().setBody(run);
                });

        from("direct:dead-letter-to-sync-log").routeId("dead-letter-to-sync-log")
                .process(deadLetter::handle)
                .log(LoggingLevel.ERROR, "Run of ${header.SfsyncJob} stopped: ${exchangeProperty.SfsyncStopReason}");

        // redelivery wraps the whole call: the failure surfaces at the .to() below and is re-sent from there
        from(SalesforceClient.ENDPOINT).routeId("salesforce-call")
                .errorHandler(defaultErrorHandler().maximumRedeliveries(0).logExhausted(false))
                .onException(Exception.class)
                    .onWhen(e -> Boolean.TRUE.equals(e.getMessage().getHeader(SalesforceClient.IDEMPOTENT))
                            && ErrorClassifier.isTransient(e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)))
                    .maximumRedeliveries(redeliveries).redeliveryDelay(redeliveryDelayMs).useExponentialBackOff()
                    .backOffMultiplier(2).retryAttemptedLogLevel(LoggingLevel.WARN).logExhausted(false)
                .end()
                .setProperty(REQUEST, body())
                .to(config.salesforce().maxCallsPerSecond() > 0 ? "direct:sfsync-salesforce-throttled"
                        : "direct:sfsync-salesforce-once");
        if (config.salesforce().maxCallsPerSecond() > 0) {
            // salesforce.maxCallsPerSecond: calls wait their turn rather than burst past the org's limits
            from("direct:sfsync-salesforce-throttled").routeId("salesforce-call-throttle")
                    .throttle(config.salesforce().maxCallsPerSecond()).totalRequestsMode().timePeriodMillis(1000)
                    .to("direct:sfsync-salesforce-once");
        }
        from("direct:sfsync-salesforce-once").routeId("salesforce-call-once")
                .errorHandler(noErrorHandler())
                // counts the sends, redeliveries included: a write sent twice may find its own first send
                .process(e -> e.setProperty(SalesforceClient.SENDS, e.getProperty(SalesforceClient.SENDS, 0, Integer.class) + 1))
                .setBody(exchangeProperty(REQUEST))
                .toD("salesforce:${header.SfsyncSfOperation}?rawPayload=true")
                .process(SalesforceResponses::failOnErrorBody);
    }

    @SuppressWarnings("unchecked")
    private static List<String> keys(Exchange e) {
        return e.getMessage().getHeader("SfsyncKeys", List.class);
    }

    private static RunContext run(Exchange e) {
        return e.getProperty(RunContext.PROPERTY, RunContext.class);
    }

    private static Batch batch(Exchange e) {
        return e.getMessage().getBody(Batch.class);
    }
}
