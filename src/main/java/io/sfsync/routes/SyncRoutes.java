package io.sfsync.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;

import io.sfsync.config.SyncConfig;
import io.sfsync.salesforce.ConnectionMonitor;
import io.sfsync.sync.SyncMetrics;
import io.sfsync.mapping.Transforms;
import io.sfsync.synclog.SyncStore;

import io.sfsync.salesforce.FailurePolicy;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.sync.SyncServices;
import io.sfsync.sync.SyncSteps;

/**
 * The building blocks the YAML flows compose, one {@code direct:} endpoint per step (the catalogue,
 * with what each reads and writes, is {@link SyncSteps}). The exchange carries the run in the property
 * {@code SfsyncRun} and the current batch as the body. Steps throw what they cannot handle: the flow's
 * route configuration ({@code sfsync-flow}, routes/sync-errors.camel.yaml) sends it to the dead-letter
 * channel, and the job's entry route catches whatever a flow of one's own lets through.
 */
public final class SyncRoutes extends RouteBuilder {

    /** The failure policy's answer for a failed Salesforce call: may it be sent again? */
    public static final class CallRetry {
        public boolean retriable(Exchange e) {
            Throwable failure = e.getException() != null ? e.getException()
                    : e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            return FailurePolicy.isCallRetriable(failure, Boolean.TRUE.equals(e.getMessage().getHeader(SalesforceClient.IDEMPOTENT)));
        }
    }

    private static final String REQUEST = io.sfsync.exchange.ExchangeKeys.SALESFORCE_REQUEST;
    /** The call's permit (calls in flight), handed back when the call ends. */
    private static final String PERMIT = "SfsyncCallPermit";

    private final java.util.function.Supplier<SyncConfig> configs;
    private final DataSource source;
    private final SyncStore store;
    private final long redeliveryDelayMs;
    private volatile SyncServices services;
    private volatile SyncSteps steps;

    private final ConnectionMonitor connection;
    private final SyncMetrics metrics;

    /** The region of phone numbers without a country code (the e164 transform). */
    private final String phoneRegion;

    public SyncRoutes(java.util.function.Supplier<SyncConfig> configs, DataSource source, SyncStore store,
            ConnectionMonitor connection, SyncMetrics metrics, long redeliveryDelayMs, String phoneRegion) {
        this.phoneRegion = phoneRegion;
        this.connection = connection;
        this.metrics = metrics;
        this.configs = configs;
        this.source = source;
        this.store = store;
        this.redeliveryDelayMs = redeliveryDelayMs;
    }

    /** Shared work across the cluster: set before the routes are configured; null: none. */
    private volatile io.sfsync.sync.SharedWork.Settings shareWork;

    public void shareWork(io.sfsync.sync.SharedWork.Settings settings) {
        this.shareWork = settings;
    }

    /** The sync steps (their workers of shared units); available once the routes are configured. */
    public SyncSteps steps() {
        return steps;
    }

    /** The services the steps share; available once the routes are configured. */
    public SyncServices services() {
        return services;
    }

    @Override
    public void configure() {
        SyncConfig config = configs.get(); // its salesforce and alerts sections are the ones sfsync started with
        SalesforceClient salesforce = new SalesforceClient(getContext().createProducerTemplate(), new ObjectMapper(),
                config.salesforce().apiVersion());
        salesforce.onLimitInfo((used, max) -> {
            connection.limits(max, max - used);
            metrics.limitsFromHeader(max, max - used);
        });
        services = new SyncServices(configs, source, store, salesforce, new Transforms(new SimpleExpressions(getContext()), phoneRegion),
                connection, metrics, new io.sfsync.monitoring.AlertNotifier(config.alerts(), getContext().createProducerTemplate()));
        steps = new SyncSteps(services, redeliveryDelayMs, getContext());
        steps.configure(this);
        if (shareWork != null) {
            steps.share(shareWork);
        }

        // which failed calls are sent again is declared in routes/sync-errors.camel.yaml (route configuration
        // sfsync-salesforce-calls); it asks the failure policy through this bean
        getContext().getRegistry().bind("sfsyncCallRetry", new CallRetry());
        // redelivery wraps the whole call: the failure surfaces at the .to() below and is re-sent from there
        // calls in flight (and, for instances sharing work, calls per second) held for the whole cluster in
        // PostgreSQL; one instance alone holds them itself
        int perSecond = config.salesforce().maxCallsPerSecond();
        boolean cluster = shareWork != null;
        io.sfsync.synclog.CallPermits permits = cluster
                ? io.sfsync.synclog.CallPermits.cluster(source, steps.worker(), config.salesforce().maxConcurrentCalls(), perSecond)
                : io.sfsync.synclog.CallPermits.local(config.salesforce().maxConcurrentCalls());
        from(SalesforceClient.ENDPOINT).routeId("salesforce-call")
                .routeConfigurationId("sfsync-salesforce-calls")
                .setProperty(REQUEST, body())
                .to(perSecond > 0 && !cluster ? "direct:sfsync-salesforce-throttled" : "direct:sfsync-salesforce-once");
        if (perSecond > 0 && !cluster) {
            // salesforce.maxCallsPerSecond: calls wait their turn rather than burst past the org's limits
            from("direct:sfsync-salesforce-throttled").routeId("salesforce-call-throttle")
                    .errorHandler(noErrorHandler())
                    .throttle(config.salesforce().maxCallsPerSecond()).totalRequestsMode().timePeriodMillis(1000)
                    .to("direct:sfsync-salesforce-once");
        }
        from("direct:sfsync-salesforce-once").routeId("salesforce-call-once")
                .errorHandler(noErrorHandler())
                // counts the sends, redeliveries included: a write sent twice may find its own first send
                .process(e -> e.setProperty(SalesforceClient.SENDS, e.getProperty(SalesforceClient.SENDS, 0, Integer.class) + 1))
                .setBody(exchangeProperty(REQUEST))
                .process(e -> e.setProperty(PERMIT, permits.acquire()))
                .doTry()
                    .toD("salesforce:${header." + io.sfsync.exchange.ExchangeKeys.SF_OPERATION + "}?rawPayload=true")
                    .process(SalesforceResponses::failOnErrorBody)
                .doFinally()
                    .process(e -> permits.release(e.getProperty(PERMIT)))
                .end();
    }
}
