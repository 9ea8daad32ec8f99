package io.sfsync.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.sync.RunContext;

/** Alerts reach a webhook (a local HTTP receiver); the Camel health check follows the connection. */
class AlertsAndHealthTest {

    @Test
    void runErrorsABrokenConnectionAndALowBudgetAlertAndTheHealthCheckGoesDown(@TempDir Path dir) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // the webhook's first two answers are 503: the alert route sends it again
            if (attempts.incrementAndGet() <= 2) {
                ex.sendResponseHeaders(503, -1);
            } else {
                received.add(body);
                ex.sendResponseHeaders(204, -1);
            }
            ex.close();
        });
        receiver.start();
        try {
            Path config = Files.createDirectories(dir.resolve("config"));
            Files.copy(Path.of("config/application.properties"), config.resolve("application.properties"));
            Files.writeString(config.resolve("sync.yaml"), Files.readString(Path.of("config/sync.yaml"))
                    + "\nalerts:\n  webhook: http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\n"
                    + "  errorThreshold: 1\n  apiBudgetLowPercent: 100\n");
            SfsyncRuntime.Options options = new SfsyncRuntime.Options(config, Path.of("routes"), true, true, false,
                    Map.of("sfsync.source.url", "jdbc:h2:mem:alerts;DB_CLOSE_DELAY=-1", "sfsync.demo.people", "40",
                            "camel.main.jmx-enabled", "false", "camel.server.port", "0", "sfsync.hawtio.enabled", "false"));
            try (SfsyncRuntime rt = SfsyncRuntime.start(options)) {
                assertThat(rt.camel().getRoute(AlertNotifier.ROUTE)).as("the alert route, as Hawtio shows it").isNotNull();
                RunContext first = rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                assertThat(first.counts().errors()).isEqualTo(2);
                eventually(() -> assertThat(received).anyMatch(a -> a.contains("\"kind\":\"RUN_ERRORS\"") && a.contains("2 errors")));
                eventually(() -> assertThat(received).anyMatch(a -> a.contains("\"kind\":\"API_BUDGET_LOW\"")));
                assertThat(attempts.get()).as("two refused sends, then each alert once").isEqualTo(2 + received.size());
                assertThat(health(rt)).isEqualTo(HealthCheck.State.UP);

                rt.emulator().credentials(rt.emulator().credentials().withClientSecret("rotated"));
                rt.emulator().sessions().expireAll();
                rt.run("people", RunContext.Mode.RUN, "cli", null, null, null);
                eventually(() -> assertThat(received).anyMatch(a -> a.contains("\"kind\":\"CONNECTION_BROKEN\"")));
                assertThat(health(rt)).isEqualTo(HealthCheck.State.DOWN);
                assertThat(received).noneMatch(a -> a.contains(rt.emulator().credentials().clientSecret()));
            }
        } finally {
            receiver.stop(0);
        }
    }

    /** Retries an assertion for up to 20 s: alerts are delivered on the alert route's own thread. */
    private static void eventually(Runnable assertion) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static HealthCheck.State health(SfsyncRuntime rt) {
        HealthCheck check = org.apache.camel.health.HealthCheckRegistry.get(rt.camel()).getCheck("salesforce-connection")
                .orElseThrow(() -> new AssertionError("the salesforce-connection check is not registered"));
        return check.call().getState();
    }
}
