package io.sfsync.routes;

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
    public static final String MORE = SyncSteps.MORE;
    private static final String REQUEST = "SfsyncSalesforceRequest";

    private final SyncConfig config;
    private final DataSource source;
    private final SyncStore store;
    private final int redeliveries;
    private final long redeliveryDelayMs;
    private volatile SyncServices services;
    private volatile SyncSteps steps;

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
        steps = new SyncSteps(services, redeliveryDelayMs, getContext());
        steps.configure(this);

        // redelivery wraps the whole call: the failure surfaces at the .to() below and is re-sent from there
        from(SalesforceClient.ENDPOINT).routeId("salesforce-call")
                .errorHandler(defaultErrorHandler().maximumRedeliveries(0).logExhausted(false))
                .onException(Exception.class)
                    // the failure policy: only a transient failure of a call that is safe to send twice
                    .onWhen(e -> FailurePolicy.isCallRetriable(e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class),
                            Boolean.TRUE.equals(e.getMessage().getHeader(SalesforceClient.IDEMPOTENT))))
                    .maximumRedeliveries(redeliveries).redeliveryDelay(redeliveryDelayMs).useExponentialBackOff()
                    .backOffMultiplier(FailurePolicy.BACKOFF_MULTIPLIER).retryAttemptedLogLevel(LoggingLevel.WARN).logExhausted(false)
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
}
