package io.sfsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.emulator.control.Faults;
import io.sfsync.sync.RunContext;

/**
 * The one-off commands' exit codes, each produced by a real run: 0 SUCCEEDED, 1 FAILED, 2 bad
 * configuration or usage, 3 PARTIAL or PAUSED, 4 BUSY. sfsync runs in-process as `sfsync run …` against a
 * standalone emulator (so the test can shape it: faults, limits, latency) and an in-memory H2 source.
 */
class ExitCodesTest {
    private static final String DB = "jdbc:h2:mem:exit-codes;DB_CLOSE_DELAY=-1";
    static SalesforceEmulator emulator;
    static Path config;
    static Connection db;

    @BeforeAll
    static void start() throws Exception {
        emulator = SalesforceEmulator.builder().port(0).clientId("exit-codes").clientSecret("exit-codes-secret").build().start();
        config = Files.createTempDirectory("sfsync-exit-codes");
        Files.writeString(config.resolve("application.properties"), Files.readString(Path.of("config/application.properties"))
                + "\ncamel.component.salesforce.client-id = exit-codes\ncamel.component.salesforce.client-secret = exit-codes-secret\n"
                + "sfsync.source.url = " + DB + "\ncamel.server.port = 0\nsfsync.hawtio.enabled = false\n"
                + "camel.main.jmx-enabled = false\nsfsync.salesforce.redeliveries = 0\n"
                + "sfsync.salesforce.redelivery-delay-ms = 10\n");
        writeSyncYaml(50);
        db = DriverManager.getConnection(DB, "sa", "");
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE exit_person (id INT PRIMARY KEY, last_name VARCHAR(80), email VARCHAR(120), updated_at TIMESTAMP)");
        }
    }

    /** A small job over exit_person, creating Leads, matched by link and email. */
    static void writeSyncYaml(int batchSize) throws Exception {
        Files.writeString(config.resolve("sync.yaml"), """
                salesforce: {environment: custom, loginUrl: "%s", auth: client_credentials}
                jobs:
                  people:
                    source: {query: "SELECT id, last_name, email, updated_at FROM exit_person", key: id, changedAt: updated_at}
                    segment: all
                    createAs: Lead
                    matchIn: [Lead]
                    matchBy: [link, email]
                    batchSize: %d
                    fields:
                      Lead:
                        LastName: {from: last_name, default: "[Unknown]"}
                        Email: {from: email}
                        Company: {value: "Exit Codes Inc"}
                        Status: {value: "Open - Not Contacted"}
                """.formatted(emulator.loginUrl(), batchSize));
    }

    @AfterAll
    static void stop() throws Exception {
        emulator.stop();
        try (Statement st = db.createStatement()) {
            st.execute("DROP ALL OBJECTS");
        }
        db.close();
        try (Stream<Path> files = Files.walk(config)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void freshOrgAndSource() throws Exception {
        emulator.reset();
        try (Statement st = db.createStatement()) {
            st.execute("DELETE FROM exit_person");
            // the sync tables exist once a command has started sfsync
            if (table("SYNC_RUN")) {
                st.execute("DELETE FROM sync_log");
                st.execute("DELETE FROM sync_link");
                st.execute("DELETE FROM sync_state");
                st.execute("DELETE FROM sync_run");
            }
        }
        writeSyncYaml(50);
    }

    private static boolean table(String name) throws Exception {
        try (ResultSet rs = db.getMetaData().getTables(null, null, name, null)) {
            return rs.next();
        }
    }

    private static void people(int from, int to, String email) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO exit_person VALUES (?, ?, ?, ?)")) {
            for (int i = from; i <= to; i++) {
                ps.setInt(1, i);
                ps.setString(2, "Person " + i);
                ps.setString(3, email != null ? email : "person" + i + "@exit.example");
                ps.setTimestamp(4, Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static long count(String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Cli.Result sfsync(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--config", config.toString())).toArray(String[]::new);
        return Cli.sfsync(Duration.ofSeconds(120), all);
    }

    @Test
    void aRunThatSucceededExitsZero() throws Exception {
        people(1, 3, null);
        Cli.Result r = sfsync("run", "people");
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.SUCCEEDED).isZero();
        assertThat(r.out()).contains("3 created");
        assertThat(count("SELECT COUNT(*) FROM sync_run WHERE status = 'SUCCEEDED'")).isEqualTo(1);
    }

    @Test
    void aRunThatFailedExitsOne() throws Exception {
        people(1, 3, null);
        // every Composite call answers 500: the run cannot even read the org's metadata
        emulator.faults().add(new Faults.Rule(Faults.Kind.SERVER_ERROR, 1.0, -1, "composite", null));
        Cli.Result r = sfsync("run", "people");
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.FAILED).isOne();
        assertThat(count("SELECT COUNT(*) FROM sync_run WHERE status = 'FAILED'")).isEqualTo(1);
    }

    @Test
    void anUnknownJobOrSegmentOrAMissingArgumentIsAUsageErrorTwo() throws Exception {
        Cli.Result job = sfsync("run", "nope");
        assertThat(job.code()).as(job.out()).isEqualTo(ExitCodes.CONFIG_OR_USAGE).isEqualTo(2);
        assertThat(job.out()).contains("sync.yaml has no job 'nope' (jobs: people)");
        Cli.Result segment = sfsync("run", "people", "--segment", "vip");
        assertThat(segment.code()).as(segment.out()).isEqualTo(2);
        assertThat(segment.out()).contains("job people has no segment 'vip' (--segment: one of valid, valid_and_risky,"
                + " found_phones, all)");
        assertThat(sfsync("plan", "nope").code()).isEqualTo(2);
        assertThat(sfsync("retry", "nope").code()).isEqualTo(2);
        assertThat(Cli.sfsync("run").code()).isEqualTo(2); // picocli: the JOB parameter is missing
        assertThat(Cli.sfsync("reconnect", "--user", "viewer").code()).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM sync_run")).isZero();
    }

    @Test
    void resyncReadsTheRowsAgainAndRefusesBadOptions() throws Exception {
        people(1, 3, null);
        assertThat(sfsync("run", "people").code()).isZero();
        Cli.Result all = sfsync("resync", "people");
        assertThat(all.code()).as(all.out()).isZero();
        assertThat(all.out()).contains("Resyncing every row of people", "resync: asked for (cli)", "3 skipped");
        Cli.Result keys = sfsync("resync", "people", "--keys", "1,2");
        assertThat(keys.code()).as(keys.out()).isZero();
        assertThat(keys.out()).contains("Resyncing the rows of people with 2 keys", "2 skipped");
        Cli.Result reason = sfsync("resync", "people", "--reason", "OWNED_BY_OTHER_USER");
        assertThat(reason.code()).as(reason.out()).isZero();
        assertThat(reason.out()).contains("No rows of people whose last outcome was OWNED_BY_OTHER_USER.");
        Cli.Result badSince = sfsync("resync", "people", "--since", "yesterday");
        assertThat(badSince.code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(badSince.out()).contains("--since: expected an ISO-8601 instant such as 2026-12-01T00:00:00Z, not 'yesterday'")
                .doesNotContain("\tat ");
        Cli.Result two = sfsync("resync", "people", "--keys", "1", "--since", "2026-01-01T00:00:00Z");
        assertThat(two.code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(two.out()).contains("give one of them");
        assertThat(sfsync("resync", "nope").code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
    }

    @Test
    void aConfigurationErrorExitsTwo() throws Exception {
        Files.writeString(config.resolve("sync.yaml"), Files.readString(config.resolve("sync.yaml"))
                .replace("batchSize: 50", "batchSize: lots"));
        Cli.Result r = sfsync("run", "people");
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(r.out()).contains("jobs.people.batchSize: must be a whole number, not 'lots'").doesNotContain("\tat ");
    }

    @Test
    void aPartialRunExitsThreeAndSoDoesARetryWhoseRowsStillFail() throws Exception {
        people(1, 2, null);
        people(3, 3, "not-an-email");
        Cli.Result r = sfsync("run", "people");
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED).isEqualTo(3);
        assertThat(r.out()).contains("2 created", "1 error");
        assertThat(count("SELECT COUNT(*) FROM sync_run WHERE status = 'PARTIAL'")).isEqualTo(1);

        Cli.Result retry = sfsync("retry", "people");
        assertThat(retry.code()).as(retry.out()).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED);
        assertThat(retry.out()).contains("Retrying 1 rows of people");

        try (Statement st = db.createStatement()) {
            st.executeUpdate("UPDATE exit_person SET email = 'fixed@exit.example', updated_at = CURRENT_TIMESTAMP WHERE id = 3");
        }
        Cli.Result fixed = sfsync("retry", "people");
        assertThat(fixed.code()).as(fixed.out()).isEqualTo(ExitCodes.SUCCEEDED);
        Cli.Result nothing = sfsync("retry", "people");
        assertThat(nothing.code()).as(nothing.out()).isZero();
        assertThat(nothing.out()).contains("No errors to retry for people.");
    }

    @Test
    void aOneOffRunBesideARunningServiceStartsNoServerOfItsOwn() throws Exception {
        Path props = config.resolve("application.properties");
        String original = Files.readString(props);
        try (java.net.ServerSocket api = new java.net.ServerSocket(0); java.net.ServerSocket hawtio = new java.net.ServerSocket(0)) {
            // the ports a running `sfsync serve` holds
            Files.writeString(props, original.replace("camel.server.port = 0\n", "camel.server.port = " + api.getLocalPort()
                    + "\n").replace("sfsync.hawtio.enabled = false\n", "sfsync.hawtio.enabled = true\nsfsync.hawtio.port = "
                    + hawtio.getLocalPort() + "\n"));
            people(1, 3, null);
            Cli.Result r = sfsync("run", "people");
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).contains("3 created").doesNotContain("Address already in use", "Hawtio at");
        } finally {
            Files.writeString(props, original);
        }
    }

    @Test
    void aOneOffRunMakesExactlyTheApiCallsItReports() throws Exception {
        people(1, 120, null);
        long before = emulator.limits().used();
        Cli.Result r = sfsync("run", "people");
        assertThat(r.code()).as(r.out()).isZero();
        long counted = emulator.limits().used() - before;
        // what Salesforce counted for the whole process is what the run says it spent: no timer, no extra read
        assertThat(counted).isEqualTo(count("SELECT api_calls FROM sync_run ORDER BY id DESC FETCH FIRST 1 ROWS ONLY"))
                .isPositive();
        assertThat(r.out()).contains(counted + " Salesforce API calls");
    }

    @Test
    void aRetryAlsoSendsTheTouchpointsThatEndedInError() throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS exit_touch (id INT PRIMARY KEY, person_id INT, kind VARCHAR(20),"
                    + " subject VARCHAR(80), body VARCHAR(200), happened_at TIMESTAMP)");
            st.execute("DELETE FROM exit_touch");
            if (table("SYNC_ACTIVITY")) {
                st.execute("DELETE FROM sync_activity");
            }
        }
        Files.writeString(config.resolve("sync.yaml"), Files.readString(config.resolve("sync.yaml")) + """
                    activities:
                      source: {query: "SELECT id, person_id, kind, subject, body, happened_at FROM exit_touch", key: id, changedAt: happened_at}
                """);
        people(1, 1, null);
        assertThat(sfsync("run", "people").code()).isZero();
        // the person's Lead is deleted in Salesforce; the touchpoint's Task cannot point at it
        String lead = emulator.org().store().list("Lead", false).get(0).get("Id").toString();
        var org = emulator.org();
        org.store().atomically(tx -> {
            new io.sfsync.emulator.rules.RecordSaver(org).delete("Lead", lead,
                    io.sfsync.emulator.rules.RecordSaver.Options.system(org.integrationUserId(), tx));
            return null;
        });
        try (Statement st = db.createStatement()) {
            st.executeUpdate("INSERT INTO exit_touch VALUES (1, 1, 'email', 'Hello', null, TIMESTAMP '2026-02-01 00:00:00')");
        }
        Cli.Result failed = sfsync("run", "people");
        assertThat(failed.code()).as(failed.out()).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED);
        assertThat(failed.out()).contains("INVALID_CROSS_REFERENCE_KEY");
        // the person changes: the people run makes a new Lead; the touchpoint stays in ERROR until retried
        try (Statement st = db.createStatement()) {
            st.executeUpdate("UPDATE exit_person SET last_name = 'Again', updated_at = CURRENT_TIMESTAMP WHERE id = 1");
        }
        assertThat(sfsync("run", "people").code()).isZero();
        assertThat(emulator.org().store().list("Task", false)).isEmpty();
        Cli.Result retry = sfsync("retry", "people");
        assertThat(retry.code()).as(retry.out()).isZero();
        assertThat(retry.out()).contains("Retrying 0 rows and 1 touchpoints of people", "1 Task");
        assertThat(emulator.org().store().list("Task", false)).singleElement()
                .satisfies(t -> assertThat(t.get("WhoId")).isNotEqualTo(lead).isNotNull());
        assertThat(sfsync("retry", "people").out()).contains("No errors to retry for people.");
    }

    @Test
    void aRunPausedByTheApiBudgetExitsThreeNotOne() throws Exception {
        people(1, 120, null);
        // 10 calls left today and a 50% budget: the metadata call and one batch of 50, then PAUSED
        emulator.limits().set(10L, 0L, null);
        Cli.Result r = sfsync("run", "people");
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED);
        assertThat(r.out()).contains("share of the daily API budget");
        assertThat(count("SELECT COUNT(*) FROM sync_run WHERE status = 'PAUSED'")).isEqualTo(1);
        emulator.limits().set(15000L, 0L, null);
        Cli.Result rest = sfsync("run", "people");
        assertThat(rest.code()).as(rest.out()).isZero();
        assertThat(rest.out()).contains("70 created");
    }

    @Test
    void aPlanExitsWithTheStatusTheRunWouldHave() throws Exception {
        people(1, 2, null);
        Cli.Result clean = sfsync("plan", "people");
        assertThat(clean.code()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("would create 2, update 0, skip 0, duplicate 0, fail 0", "2 rows:")
                .doesNotContain("CREATED", " INFO ");
        people(3, 3, "not-an-email");
        Cli.Result partial = sfsync("plan", "people");
        assertThat(partial.code()).as(partial.out()).isEqualTo(ExitCodes.PARTIAL_OR_PAUSED);
        // totals first, whole; the rows shown filtered and limited
        Cli.Result errors = sfsync("plan", "people", "--action", "error");
        assertThat(errors.out()).contains("would create 2, update 0, skip 0, duplicate 0, fail 1", "1 rows that would error:",
                "3          would fail").doesNotContain("would create Lead");
        Cli.Result one = sfsync("plan", "people", "--limit", "1");
        assertThat(one.out()).contains("showing 1 of 3 rows").containsOnlyOnce("would create Lead");
        Cli.Result bad = sfsync("plan", "people", "--action", "explode");
        assertThat(bad.code()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(bad.out()).contains("--action: 'explode' is not one of create, update, skip, duplicate, error, pending");
        assertThat(count("SELECT COUNT(*) FROM sync_run")).isZero(); // a plan records nothing
    }

    @Test
    void checkExitsZeroWhenValidAndTwoWithProblems() throws Exception {
        Cli.Result valid = sfsync("check");
        assertThat(valid.code()).as(valid.out()).isZero();
        assertThat(valid.out()).contains("sync.yaml is valid");
        Files.writeString(config.resolve("sync.yaml"), Files.readString(config.resolve("sync.yaml"))
                .replace("Email: {from: email}", "Email: {from: e_mail}"));
        Cli.Result bad = sfsync("check");
        assertThat(bad.code()).as(bad.out()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(bad.out()).contains("jobs.people.fields.Lead.Email.from: the source query has no column 'e_mail'");
    }

    @Test
    void aRunWhileAnotherRunHoldsTheJobSaysBusyAndExitsFour() throws Exception {
        people(1, 30, null);
        writeSyncYaml(1); // thirty batches of one row
        emulator.faults().latencyMs(300); // each call 300 ms: the holder's run lasts well beyond the second command
        try (SfsyncRuntime holder = SfsyncRuntime.start(new SfsyncRuntime.Options(config, Path.of("routes"), false, false,
                false, Map.of("camel.server.port", "0")))) {
            CompletableFuture<RunContext> first = CompletableFuture.supplyAsync(() -> holder.run("people",
                    RunContext.Mode.RUN, "cli", null, null, null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (count("SELECT COUNT(*) FROM sync_run WHERE status = 'RUNNING'") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(count("SELECT COUNT(*) FROM sync_run WHERE status = 'RUNNING'")).isEqualTo(1);

            Cli.Result busy = sfsync("run", "people");
            assertThat(busy.code()).as(busy.out()).isEqualTo(ExitCodes.BUSY).isEqualTo(4);
            assertThat(busy.out()).containsPattern("(?m)^BUSY: .*people.*$");
            assertThat(busy.out()).doesNotContain("NoSuchElementException", "\tat ");
            // the BUSY run did nothing and recorded nothing: one run in sync_run, the holder's
            assertThat(count("SELECT COUNT(*) FROM sync_run")).isEqualTo(1);

            emulator.faults().latencyMs(0);
            assertThat(first.get(120, TimeUnit.SECONDS).status()).isEqualTo("SUCCEEDED");
        } finally {
            emulator.faults().latencyMs(0);
        }
        assertThat(count("SELECT COUNT(*) FROM sync_log WHERE action = 'CREATED'")).isEqualTo(30);
    }
}
