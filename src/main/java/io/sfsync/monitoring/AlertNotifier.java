package io.sfsync.monitoring;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import io.sfsync.config.SyncConfig;

/**
 * Alerts: a JSON POST to the configured webhook when a run ends with more errors than the
 * threshold, when the connection breaks, or when the org's daily API allowance runs low. Each alert goes
 * through the Camel route {@value #ROUTE} (camel-http, visible in Hawtio) on a thread of its own: a
 * webhook that fails is sent again a few times with growing pauses, then logged; it never stops or
 * slows a run.
 */
public final class AlertNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    /** The route alerts go through. */
    public static final String ROUTE = "alert-webhook";
    public static final String ENDPOINT = "direct:sfsync-alert";

    private final SyncConfig.Alerts config;
    private final ProducerTemplate template;

    public AlertNotifier(SyncConfig.Alerts config, ProducerTemplate template) {
        this.config = config;
        this.template = template;
    }

    /** The route that delivers alerts to the webhook, with redelivery; none when no webhook is configured. */
    public static RouteBuilder route(SyncConfig.Alerts config, int redeliveries, long firstDelayMs) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                if (config.webhook() == null) {
                    return;
                }
                from(ENDPOINT).routeId(ROUTE)
                        .onException(Exception.class).maximumRedeliveries(redeliveries).redeliveryDelay(firstDelayMs)
                            .useExponentialBackOff().backOffMultiplier(2).retryAttemptedLogLevel(LoggingLevel.WARN)
                            .logRetryStackTrace(false).handled(true)
                            .log(LoggingLevel.WARN, LOG, "Alert ${exchangeProperty.SfsyncAlertKind} for"
                                    + " ${exchangeProperty.SfsyncAlertJob} could not be delivered after " + (redeliveries + 1)
                                    + " attempts: ${exception.message}")
                        .end()
                        .setProperty("SfsyncAlertKind", simple("${body[kind]}"))
                        .setProperty("SfsyncAlertJob", simple("${body[job]}"))
                        .marshal().json()
                        .removeHeaders("*")
                        .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                        .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                        .setHeader(Exchange.HTTP_URI, constant(config.webhook()))
                        .to("http://alert-webhook?throwExceptionOnFailure=true&connectTimeout=5000&responseTimeout=10000");
            }
        };
    }

    /** Checks a finished run against the alert rules and sends what applies. */
    public void runFinished(String job, long runId, String status, int errors, String summary, String stopReason,
            long apiMax, long apiRemaining) {
        if (config.webhook() == null) {
            return;
        }
        if (errors > config.errorThreshold()) {
            send("RUN_ERRORS", job, runId, errors + " errors in run " + runId + " of " + job + " (threshold "
                    + config.errorThreshold() + "): " + summary);
        }
        if (stopReason != null && stopReason.contains("BROKEN")) {
            send("CONNECTION_BROKEN", job, runId, stopReason);
        }
        if (apiMax > 0 && apiRemaining * 100 < apiMax * (long) config.apiBudgetLowPercent()) {
            send("API_BUDGET_LOW", job, runId, "only " + apiRemaining + " of " + apiMax + " daily API requests remain");
        }
    }

    private void send(String kind, String job, long runId, String message) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("kind", kind);
        alert.put("job", job);
        alert.put("runId", runId);
        alert.put("message", message);
        alert.put("at", Instant.now().toString());
        try {
            template.asyncSendBody(ENDPOINT, alert); // the run goes on; the route delivers and retries
        } catch (RuntimeException e) {
            LOG.warn("Alert {} for {} could not be handed to the alert route: {}", kind, job, e.getMessage());
        }
    }
}
