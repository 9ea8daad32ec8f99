package io.sfsync.monitoring;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.sfsync.salesforce.ConnectionMonitor;

/**
 * The Salesforce connection as a Camel health check ("salesforce-connection"): UP when connected, UP
 * with state DEGRADED when the daily API allowance is low, DOWN when BROKEN — always with the reason.
 */
public final class SalesforceConnectionHealthCheck extends AbstractHealthCheck {
    private final ConnectionMonitor connection;

    public SalesforceConnectionHealthCheck(ConnectionMonitor connection) {
        super("sfsync", "salesforce-connection");
        this.connection = connection;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ConnectionMonitor.Status s = connection.status();
        builder.detail("state", s.state().name());
        builder.detail("reason", s.reason());
        if (s.apiMax() >= 0) {
            builder.detail("api.max", s.apiMax());
            builder.detail("api.remaining", s.apiRemaining());
        }
        builder.message(s.state() + ": " + s.reason());
        if (s.state() == ConnectionMonitor.State.BROKEN) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
