package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static io.sfsync.emulator.WireSObjectTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The daily API allowance as Salesforce reports and enforces it, and the control plane's faults as a
 * client on the wire experiences them.
 */
class WireLimitsAndFaultsTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    // ---- daily API requests ----

    @Test
    void limitsReportDailyApiRequestsMaxAndRemaining() {
        sf.post("/_emulator/limits", map("dailyApiLimit", 1_000, "used", 10));

        RestClient.Reply r = sf.get(V + "/limits");

        assertThat(r.status()).isEqualTo(200);
        JsonNode daily = r.json().get("DailyApiRequests");
        assertThat(daily.get("Max").asLong()).isEqualTo(1_000);
        assertThat(daily.get("Remaining").asLong()).isEqualTo(1_000 - usage(r)).isBetween(989L, 990L);
    }

    @Test
    void limitInfoHeaderCountsEveryCall() {
        RestClient.Reply first = sf.get(V + "/limits");
        RestClient.Reply second = sf.query("SELECT Id FROM Lead");

        assertThat(first.header("Sforce-Limit-Info")).matches("api-usage=\\d+/15000");
        assertThat(usage(second)).isEqualTo(usage(first) + 1);
    }

    @Test
    void spentAllowanceIsRequestLimitExceeded() {
        sf.post("/_emulator/limits", map("dailyApiLimit", 50, "used", 50));

        RestClient.Reply r = sf.post(V + "/sobjects/Lead", map("LastName", "Doe", "Company", "C"));

        assertError(r, 403, "REQUEST_LIMIT_EXCEEDED");
        assertThat(r.json().get(0).get("message").asText()).isEqualTo("TotalRequests Limit exceeded.");
        assertThat(SF.emulator().org().store().list("Lead", true)).isEmpty();
    }

    @Test
    void tokenRequestsDoNotCount() {
        long before = SF.emulator().limits().used();

        new RestClient(SF.emulator()).login();
        new RestClient(SF.emulator()).login();

        assertThat(SF.emulator().limits().used()).isEqualTo(before);
    }

    // ---- injected faults ----

    @Test
    void serverErrorFaultIs500UnknownException() {
        fault("SERVER_ERROR", 1.0, 1);

        assertError(sf.get(V + "/limits"), 500, "UNKNOWN_EXCEPTION");
    }

    @Test
    void serverUnavailableFaultIs503() {
        fault("SERVER_UNAVAILABLE", 1.0, 1);

        assertThat(sf.get(V + "/limits").status()).isEqualTo(503);
    }

    @Test
    void droppedConnectionIsAnIOExceptionAndNothingIsWritten() {
        fault("DROP_CONNECTION", 1.0, 1);

        assertThatThrownBy(() -> sf.post(V + "/sobjects/Lead", map("LastName", "Doe", "Company", "C")))
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class);

        assertThat(sf.query("SELECT COUNT() FROM Lead").json().get("totalSize").asInt()).isZero();
    }

    @Test
    void lostResponseIsAnIOExceptionButTheRecordIsCommitted() {
        fault("LOSE_RESPONSE", 1.0, 1);

        assertThatThrownBy(() -> sf.post(V + "/sobjects/Lead",
                map("LastName", "Doe", "Company", "C", "Email", "committed@x.example")))
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class);

        JsonNode r = sf.query("SELECT Id FROM Lead WHERE Email = 'committed@x.example'").json();
        assertThat(r.get("totalSize").asInt()).isEqualTo(1);
    }

    @Test
    void unableToLockRowFailsExactlyOneRecordOfACollection() {
        fault("UNABLE_TO_LOCK_ROW", 1.0, 1);

        RestClient.Reply r = sf.post(V + "/composite/sobjects", map("allOrNone", false, "records", List.of(
                lead("A"), lead("B"), lead("C"))));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().findValuesAsText("success")).containsExactly("false", "true", "true");
        assertThat(r.json().get(0).get("errors").get(0).get("statusCode").asText()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(sf.query("SELECT COUNT() FROM Lead").json().get("totalSize").asInt()).isEqualTo(2);
    }

    @Test
    void concurrentLimitFaultIs403RequestLimitExceeded() {
        fault("CONCURRENT_LIMIT", 1.0, 1);

        assertError(sf.get(V + "/limits"), 403, "REQUEST_LIMIT_EXCEEDED");
    }

    @Test
    void countLimitedFaultStopsAfterItsCount() {
        fault("SERVER_ERROR", 1.0, 2);

        assertThat(sf.get(V + "/limits").status()).isEqualTo(500);
        assertThat(sf.get(V + "/limits").status()).isEqualTo(500);
        assertThat(sf.get(V + "/limits").status()).isEqualTo(200);
    }

    @Test
    void latencyDelaysEachCallByAtLeastTheConfiguredTime() {
        sf.post("/_emulator/latency", map("ms", 150));

        long start = System.nanoTime();
        RestClient.Reply r = sf.get(V + "/limits");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.status()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
    }

    @Test
    void callCountsGroupByEndpoint() {
        sf.post(V + "/composite/sobjects", map("allOrNone", false, "records", List.of(lead("A"))));
        sf.post(V + "/composite/sobjects", map("allOrNone", false, "records", List.of(lead("B"))));
        sf.query("SELECT Id FROM Lead");
        sf.post(V + "/sobjects/Lead", map("LastName", "C", "Company", "C"));

        JsonNode calls = sf.get("/_emulator/calls").json().get("byEndpoint");

        assertThat(calls.get("POST /composite/sobjects").asInt()).isEqualTo(2);
        assertThat(calls.get("GET /query").asInt()).isEqualTo(1);
        assertThat(calls.get("POST /sobjects/{type}").asInt()).isEqualTo(1);
    }

    // ---- builders and helpers ----

    private void fault(String kind, double rate, int count) {
        RestClient.Reply r = sf.post("/_emulator/faults", map("kind", kind, "rate", rate, "count", count));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    }

    private static Map<String, Object> lead(String lastName) {
        return map("attributes", map("type", "Lead"), "LastName", lastName, "Company", "C");
    }

    /** The used count from {@code Sforce-Limit-Info: api-usage=used/max}. */
    private static long usage(RestClient.Reply r) {
        String info = r.header("Sforce-Limit-Info");
        return Long.parseLong(info.substring("api-usage=".length(), info.indexOf('/')));
    }
}
