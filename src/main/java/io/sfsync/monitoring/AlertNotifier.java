package io.sfsync.monitoring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.config.SyncConfig;

/**
 * Alerts: a JSON POST to the configured webhook when a run ends with more errors than the
 * threshold, when the connection breaks, or when the org's daily API allowance runs low. A webhook
 * that does not answer is logged, never retried into a storm, and never stops a run.
 */
public final class AlertNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);

    private final SyncConfig.Alerts config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();

    public AlertNotifier(SyncConfig.Alerts config) {
        this.config = config;
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
            HttpRequest request = HttpRequest.newBuilder(URI.create(config.webhook())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(alert))).build();
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() >= 300) {
                LOG.warn("Alert {} for {}: the webhook answered HTTP {}", kind, job, r.statusCode());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Alert {} for {} could not be delivered: {}", kind, job, e.getMessage());
        }
    }
}
