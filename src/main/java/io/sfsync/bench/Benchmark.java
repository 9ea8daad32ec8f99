package io.sfsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.db.Databases;
import io.sfsync.demo.DemoData;
import io.sfsync.sync.RunContext;

/**
 * The benchmark: seeds N source rows, starts the emulator in its own JVM with a fixed
 * per-call latency, runs the people job (config/sync.yaml) and prints one JSON line with records,
 * seconds, records/s, API calls, API calls per 1,000 records and this JVM's peak heap.
 *
 * <ul>
 * <li>initial: N new people, a first sync of all of them;</li>
 * <li>incremental: after the initial sync, {@code changed} of them change; the second run is measured —
 *     matching across Contact and Lead, owner lookup and accounts on every batch;</li>
 * <li>matching: the mapping and matching cost alone (a plan of N rows: read, map, look up, decide, no writes);</li>
 * <li>bulk: a first load through Bulk API 2.0 (batches of 10,000, the source in an H2 file);</li>
 * <li>inbound: the crm job (Salesforce → source): a first load of N Contacts and their Accounts, an idle
 *     poll, and a poll after {@code changed} of them were edited in Salesforce.</li>
 * </ul>
 */
public final class Benchmark {

    /**
     * {@code process}: the measured run is a cold {@code sfsync run people} process, its source an H2 file;
     * {@code postgres}: the JDBC URL of a PostgreSQL server instead (null for H2), where the benchmark creates a
     * database of its own for the source and the sync tables and drops it at the end.
     */
    public record Settings(String scenario, int rows, int changed, long latencyMs, Path configDir, Path routesDir,
            boolean process, String postgres, int instances) {
        public Settings(String scenario, int rows, int changed, long latencyMs, Path configDir, Path routesDir) {
            this(scenario, rows, changed, latencyMs, configDir, routesDir, false, null, 0);
        }

        public Settings(String scenario, int rows, int changed, long latencyMs, Path configDir, Path routesDir,
                boolean process, String postgres) {
            this(scenario, rows, changed, latencyMs, configDir, routesDir, process, postgres, 0);
        }
    }

    /** Environment variables naming the PostgreSQL user and password of {@code --postgres} (default postgres, none). */
    public static final String PG_USER_ENV = "SFSYNC_BENCH_PG_USER";
    public static final String PG_PASSWORD_ENV = "SFSYNC_BENCH_PG_PASSWORD";

    /** The source of a run: its JDBC URL and credentials, and the database to drop afterwards (PostgreSQL). */
    private record Source(String url, String user, String password, String serverUrl, String database) {
        String label() {
            return database != null ? "PostgreSQL" : url.startsWith("jdbc:h2:mem:") ? "H2 in memory" : "an H2 file";
        }
    }

    public Map<String, Object> run(Settings s) throws Exception {
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Process emulator = startEmulator(s.latencyMs(), secret);
        java.nio.file.Path scratch = java.nio.file.Files.createTempDirectory("sfsync-bench");
        Source pg = s.postgres() == null ? null : createDatabase(s.postgres());
        try {
            String loginUrl = awaitLoginUrl(emulator);
            Map<String, String> overrides = new LinkedHashMap<>();
            Path configDir = s.configDir();
            if (s.scenario().equals("bidirectional")) {
                overrides.put("sfsync.source.url", "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
                configDir = java.nio.file.Files.createDirectories(scratch.resolve("config"));
                java.nio.file.Files.copy(s.configDir().resolve("application.properties"),
                        configDir.resolve("application.properties"));
                java.nio.file.Files.writeString(configDir.resolve("sync.yaml"),
                        java.nio.file.Files.readString(s.configDir().resolve("sync.yaml")) + TWO_WAY_JOB);
            } else if (s.scenario().equals("bulk")) {
                // a first load through Bulk API 2.0: big batches, the source on disk so the heap holds batches only
                // (measured as a process, the file closes with this JVM's last connection, for the process to open)
                overrides.put("sfsync.source.url", s.process() ? processSourceUrl(scratch)
                        : "jdbc:h2:file:" + scratch.resolve("source") + ";DB_CLOSE_DELAY=-1");
                configDir = java.nio.file.Files.createDirectories(scratch.resolve("config"));
                java.nio.file.Files.copy(s.configDir().resolve("application.properties"),
                        configDir.resolve("application.properties"));
                java.nio.file.Files.writeString(configDir.resolve("sync.yaml"),
                        java.nio.file.Files.readString(s.configDir().resolve("sync.yaml"))
                                .replace("    direction: outbound\n", "    direction: outbound\n    batchSize: 10000\n"
                                        + "    bulkThreshold: 2000\n")
                                .replace("fallback: assignment_rules", "fallback: none"));
            } else if (s.process()) {
                // the source (and the sync tables) in a file the measured process opens after this one closed it
                overrides.put("sfsync.source.url", processSourceUrl(scratch));
            } else {
                overrides.put("sfsync.source.url", "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
            }
            Source source = pg != null ? pg : new Source(overrides.get("sfsync.source.url"), "sa", "", null, null);
            if (pg != null) {
                overrides.put("sfsync.source.url", pg.url());
                overrides.put("sfsync.source.user", pg.user());
                overrides.put("sfsync.source.password", pg.password());
            }
            overrides.put("env.SFSYNC_SF_LOGIN_URL", loginUrl);
            overrides.put("camel.component.salesforce.clientId", "sfsync-emulator");
            overrides.put("camel.component.salesforce.clientSecret", secret);
            overrides.put("camel.main.jmx-enabled", "false");
            overrides.put("camel.server.port", "0");
            overrides.put("sfsync.hawtio.enabled", "false");
            overrides.put("sfsync.limits.watch", "false"); // the runs read the limits on their opening call
            try (SfsyncRuntime rt = SfsyncRuntime.start(new SfsyncRuntime.Options(configDir, s.routesDir(), false,
                    false, false, overrides))) {
                Databases.migrateDemoSource(rt.source());
                if (s.scenario().equals("inbound")) {
                    return inbound(rt, s, loginUrl, secret, emulator, configDir, overrides, source);
                }

                DemoData.generate(rt.source(), s.rows(), 7);
                // every row in the segment, none do-not-contact: the benchmark measures syncing, not skipping
                // (in slices of ids: one transaction over a million rows of an H2 file takes many minutes to commit)
                for (long from = 0; from < s.rows(); from += 50_000) {
                    String slice = "id > " + from + " AND id <= " + (from + 50_000);
                    sql(rt, "UPDATE person SET email_status = 'valid', do_not_contact = FALSE WHERE " + slice);
                    sql(rt, "UPDATE person SET email = 'fixed' || id || '@bench.example' WHERE " + slice
                            + " AND (email NOT LIKE '%@%.%' OR email LIKE '%''%' OR email LIKE 'shared.inbox@%')");
                    sql(rt, "UPDATE person SET title = 'Director' WHERE " + slice + " AND LENGTH(title) > 128");
                }
                if (s.scenario().equals("bidirectional")) {
                    return bidirectional(rt, s, loginUrl, secret);
                }
                int measuredRows = s.rows();
                if (s.scenario().equals("activities")) {
                    // the people linked first (unmeasured); then `changed` touchpoints of theirs, sent by their owners
                    rt.run("people", RunContext.Mode.RUN, "cli", "all", null, null);
                    measuredRows = s.changed();
                    sql(rt, "INSERT INTO touchpoint (id, person_id, kind, subject, body, occurred_at, sender_email)"
                            + " SELECT x, p.id, CASE MOD(x, 3) WHEN 0 THEN 'call' WHEN 1 THEN 'email' ELSE 'linkedin' END,"
                            + " 'Touch ' || x, 'Hello ' || p.first_name, CURRENT_TIMESTAMP, p.owner_email"
                            + " FROM SYSTEM_RANGE(1, " + measuredRows + ") r JOIN person p ON p.id = MOD(x - 1, "
                            + s.rows() + ") + 1");
                }
                if (s.scenario().equals("idle")) {
                    // a first sync (unmeasured), then the run that finds nothing changed
                    rt.run("people", RunContext.Mode.RUN, "cli", "all", null, null);
                    measuredRows = 0;
                }
                if (s.scenario().equals("incremental-mix")) {
                    measuredRows = incrementalMix(rt, s, loginUrl);
                }
                if (s.scenario().equals("incremental")) {
                    rt.run("people", RunContext.Mode.RUN, "cli", "all", null, null);
                    measuredRows = Math.min(s.changed(), s.rows());
                    sql(rt, "UPDATE person SET phone = '+1 555 0199', updated_at = CURRENT_TIMESTAMP WHERE id <= "
                            + measuredRows);
                }
                if (s.instances() > 0) {
                    return instancesRun(s, configDir, overrides, loginUrl, emulator, source);
                }
                if (s.process()) {
                    rt.close(); // the measured process opens the H2 file alone
                    return processRun(s, configDir, scratch, loginUrl, secret, measuredRows,
                            pg != null ? pg : new Source(processSourceUrl(scratch), "sa", "", null, null));
                }
                System.gc(); // the seeding's garbage is not the run's
                long countedBefore = countedBySalesforce(loginUrl);
                HeapWatch heap = new HeapWatch();
                long cpuStart = cpuNanos(ProcessHandle.current());
                long emulatorCpuStart = cpuNanos(emulator.toHandle());
                long start = System.nanoTime();
                // "matching": read, map and match every row (its lookups included) but write nothing
                // (a plan's decided rows go to a sink that keeps none: the figure is the CPU cost, not a report's)
                RunContext run = s.scenario().equals("matching")
                        ? rt.plan("people", "cli", "all", w -> { })
                        : rt.run("people", RunContext.Mode.RUN, "cli", "all", null, null);
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = (cpuNanos(ProcessHandle.current()) - cpuStart) / 1e9;
                double emulatorCpu = (cpuNanos(emulator.toHandle()) - emulatorCpuStart) / 1e9;
                heap.close();
                long counted = countedBySalesforce(loginUrl) - countedBefore;
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("scenario", s.scenario());
                out.put("source", source.label());
                out.put("records", run.counts().attempted());
                out.put("seconds", round(seconds));
                boolean none = run.counts().attempted() == 0; // an idle run: per-record figures are undefined
                out.put("records_per_s", none ? null : round(run.counts().attempted() / seconds));
                out.put("api_calls", run.apiCalls());
                // what Salesforce (the emulator) counted meanwhile, independently of the run's own count
                out.put("salesforce_counted_api_calls", counted);
                out.put("api_calls_per_1000", none ? null : round(run.apiCalls() * 1000.0 / run.counts().attempted()));
                out.put("peak_heap_mb", heap.peakMb());
                out.put("max_live_heap_mb", heap.liveAfterGcMb());
                out.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
                // CPU seconds each JVM spent in the measured run (both share this machine's cores)
                out.put("sfsync_cpu_s", round(cpu));
                out.put("emulator_cpu_s", round(emulatorCpu));
                out.put("latency_ms", s.latencyMs());
                out.put("status", run.status());
                out.put("outcome", run.counts().summary());
                return out;
            }
        } finally {
            emulator.destroy();
            emulator.waitFor(10, TimeUnit.SECONDS);
            deleteTree(scratch); // the bulk scenario's source database is a gigabyte at a million rows
            if (pg != null) {
                dropDatabase(pg);
            }
        }
    }

    /**
     * {@code --instances N}: N serving sfsync instances in this JVM on the one PostgreSQL database, sharing the
     * run's backlog (units of a batch claimed by every instance's workers); the run fires on the first.
     */
    private Map<String, Object> instancesRun(Settings s, Path configDir, Map<String, String> overrides, String loginUrl,
            Process emulator, Source source) throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("sfsync-bench-instances");
        List<SfsyncRuntime> instances = new java.util.ArrayList<>();
        try {
            Map<String, String> o = startInstances(s, configDir, overrides, dir, instances);
            System.gc();
            long countedBefore = countedBySalesforce(loginUrl);
            long cpuStart = cpuNanos(ProcessHandle.current());
            long emulatorCpuStart = cpuNanos(emulator.toHandle());
            long start = System.nanoTime();
            RunContext run = instances.get(0).run("people", RunContext.Mode.RUN, "cli", "all", null, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (cpuNanos(ProcessHandle.current()) - cpuStart) / 1e9;
            double emulatorCpu = (cpuNanos(emulator.toHandle()) - emulatorCpuStart) / 1e9;
            long counted = countedBySalesforce(loginUrl) - countedBefore;
            var units = instances.get(0).store().work().rowsByWorker(run.runId());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenario", s.scenario());
            out.put("source", source.label());
            out.put("instances", s.instances());
            out.put("workers_per_instance", Integer.parseInt(o.getOrDefault("sfsync.cluster.workers", "2")));
            out.put("records", run.counts().attempted());
            out.put("seconds", round(seconds));
            boolean none = run.counts().attempted() == 0;
            out.put("records_per_s", none ? null : round(run.counts().attempted() / seconds));
            out.put("api_calls", run.apiCalls());
            out.put("salesforce_counted_api_calls", counted);
            out.put("api_calls_per_1000", none ? null : round(counted * 1000.0 / run.counts().attempted()));
            out.put("rows_by_instance", units.values());
            out.put("sfsync_cpu_s", round(cpu));
            out.put("emulator_cpu_s", round(emulatorCpu));
            out.put("latency_ms", s.latencyMs());
            out.put("status", run.status());
            out.put("outcome", run.counts().summary());
            return out;
        } finally {
            for (SfsyncRuntime rt : instances) {
                rt.close();
            }
            deleteTree(dir);
        }
    }

    /**
     * Starts {@code --instances} serving instances in this JVM on the benchmark's PostgreSQL database, sharing
     * work, no schedule firing (the measured run is started by the benchmark); returns their settings.
     */
    private static Map<String, String> startInstances(Settings s, Path configDir, Map<String, String> overrides, Path dir,
            List<SfsyncRuntime> instances) throws Exception {
        Path config = java.nio.file.Files.createDirectories(dir.resolve("config"));
        java.nio.file.Files.copy(configDir.resolve("application.properties"), config.resolve("application.properties"));
        java.nio.file.Files.writeString(config.resolve("sync.yaml"), java.nio.file.Files.readString(
                configDir.resolve("sync.yaml")).replaceAll("every: \\d+[smh]", "schedule: \"0 0 3 1 1 ? 2099\""));
        Map<String, String> o = new LinkedHashMap<>(overrides);
        o.put("sfsync.cluster.enabled", "false"); // Quartz in memory: one scheduler per instance in this JVM
        o.put("sfsync.cluster.share-work", "true");
        o.put("sfsync.cluster.work-poll-ms", "100");
        o.put("sfsync.config.reload-period-ms", "600000");
        for (int i = 0; i < s.instances(); i++) {
            instances.add(SfsyncRuntime.start(new SfsyncRuntime.Options(config, s.routesDir(), false, false, true, o)));
        }
        return o;
    }

    /** A database of the benchmark's own on the PostgreSQL server of {@code serverUrl}. */
    private static Source createDatabase(String serverUrl) throws SQLException {
        if (!serverUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--postgres: expected a jdbc:postgresql://HOST:PORT/DATABASE URL, not '"
                    + serverUrl + "'");
        }
        String user = System.getenv().getOrDefault(PG_USER_ENV, "postgres");
        String password = System.getenv().getOrDefault(PG_PASSWORD_ENV, "");
        String database = "sfsync_bench_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        try (Connection c = java.sql.DriverManager.getConnection(serverUrl, user, password);
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new SQLException("--postgres: cannot create a database on " + serverUrl + " as " + user + " ("
                    + PG_USER_ENV + ", " + PG_PASSWORD_ENV + "): " + e.getMessage(), e);
        }
        java.net.URI uri = java.net.URI.create(serverUrl.substring("jdbc:".length()));
        String url = "jdbc:postgresql://" + uri.getAuthority() + "/" + database;
        return new Source(url, user, password, serverUrl, database);
    }

    private static void dropDatabase(Source pg) {
        try (Connection c = java.sql.DriverManager.getConnection(pg.serverUrl(), pg.user(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + pg.database() + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("The benchmark's database " + pg.database() + " was not dropped: " + e.getMessage());
        }
    }

    /** Rows 1..n as column x, in the source's SQL (H2 or PostgreSQL). */
    private static String range(SfsyncRuntime rt, int n) throws SQLException {
        try (Connection c = rt.source().getConnection()) {
            return c.getMetaData().getDatabaseProductName().startsWith("PostgreSQL")
                    ? "generate_series(1, " + n + ") AS r(x)" : "SYSTEM_RANGE(1, " + n + ")";
        }
    }

    /**
     * Salesforce → source (the crm job): N Contacts (a twentieth of them Accounts, each Contact at one) seeded
     * in the org; measured: the first load of all of them into the empty source, then an idle poll, then
     * {@code changed} Contacts edited in Salesforce and the poll that brings them in.
     */
    private Map<String, Object> inbound(SfsyncRuntime rt, Settings s, String loginUrl, String secret, Process emulator,
            Path configDir, Map<String, String> overrides, Source source) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        int accounts = Math.max(1, s.rows() / 20);
        List<Map<String, Object>> accountRecords = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            accountRecords.add(Map.of("_ref", "a" + i, "Name", "Bench Co " + i, "Website", "https://co" + i + ".example",
                    "BillingStreet", i + " Main St", "BillingCity", "Lyon", "BillingState", "ARA", "BillingPostalCode", "69001"));
        }
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < s.rows(); i++) {
            contacts.add(Map.of("_ref", "c" + i, "FirstName", "First" + i, "LastName", "Last" + i,
                    "Email", "contact" + i + "@bench.example", "Title", "Engineer", "AccountId", "@a" + (i % accounts)));
        }
        var http = java.net.http.HttpClient.newHttpClient();
        var seeded = json.readTree(post(http, loginUrl + "/_emulator/seed", null,
                json.writeValueAsString(Map.of("Account", accountRecords, "Contact", contacts)))).path("refs");
        long settle = rt.config().jobs().get("crm").inbound().settleSeconds() * 1000L + 500;
        Thread.sleep(settle); // what changed in the last moments waits for the next poll: wait it out, unmeasured
        Path dir = java.nio.file.Files.createTempDirectory("sfsync-bench-instances");
        List<SfsyncRuntime> instances = new java.util.ArrayList<>();
        try {
            if (s.instances() > 0) {
                // --instances: the first load's poll pages applied by every instance's workers; the run fires on the first
                startInstances(s, configDir, overrides, dir, instances);
                rt = instances.get(0);
            }
            return inbound(rt, s, loginUrl, secret, emulator, source, seeded, settle);
        } finally {
            for (SfsyncRuntime i : instances) {
                i.close();
            }
            deleteTree(dir);
        }
    }

    private Map<String, Object> inbound(SfsyncRuntime rt, Settings s, String loginUrl, String secret, Process emulator,
            Source source, com.fasterxml.jackson.databind.JsonNode seeded, long settle) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        System.gc();
        HeapWatch heap = new HeapWatch();
        long countedBefore = countedBySalesforce(loginUrl);
        long cpuStart = cpuNanos(ProcessHandle.current());
        long emulatorCpuStart = cpuNanos(emulator.toHandle());
        long start = System.nanoTime();
        RunContext first = rt.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (cpuNanos(ProcessHandle.current()) - cpuStart) / 1e9;
        double emulatorCpu = (cpuNanos(emulator.toHandle()) - emulatorCpuStart) / 1e9;
        long counted = countedBySalesforce(loginUrl) - countedBefore;
        var byInstance = s.instances() > 0 ? rt.store().work().rowsByWorker(first.runId()).values() : null;
        RunContext idle = rt.run("crm", RunContext.Mode.RUN, "cli", null, null, null);

        // Salesforce users change some Contacts: sObject Collections updates, outside the measured runs
        int changed = Math.min(s.changed(), s.rows());
        List<String> edited = new ArrayList<>();
        for (int j = 0; j < changed; j++) {
            edited.add(seeded.path("c" + j).asText());
        }
        usersEdit(http, loginUrl, secret, "Contact", edited, "Title", "Principal Engineer");
        Thread.sleep(settle);
        long changedStart = System.nanoTime();
        RunContext incremental = rt.run("crm", RunContext.Mode.RUN, "cli", null, null, null);
        double changedSeconds = (System.nanoTime() - changedStart) / 1e9;
        heap.close();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", s.scenario());
        out.put("source", source.label());
        if (s.instances() > 0) {
            out.put("instances", s.instances());
            out.put("records_by_instance", byInstance);
        }
        out.put("records", first.counts().attempted());
        out.put("seconds", round(seconds));
        out.put("records_per_s", round(first.counts().attempted() / seconds));
        out.put("api_calls", first.apiCalls());
        out.put("salesforce_counted_api_calls", counted);
        out.put("api_calls_per_1000", round(first.apiCalls() * 1000.0 / Math.max(1, first.counts().attempted())));
        out.put("idle_poll_api_calls", idle.apiCalls());
        out.put("idle_poll_records", idle.counts().attempted());
        out.put("changed_records", incremental.counts().attempted());
        out.put("changed_seconds", round(changedSeconds));
        out.put("changed_records_per_s", round(incremental.counts().attempted() / changedSeconds));
        out.put("changed_api_calls", incremental.apiCalls());
        out.put("changed_api_calls_per_1000", round(incremental.apiCalls() * 1000.0
                / Math.max(1, incremental.counts().attempted())));
        out.put("peak_heap_mb", heap.peakMb());
        out.put("max_live_heap_mb", heap.liveAfterGcMb());
        out.put("sfsync_cpu_s", round(cpu));
        out.put("emulator_cpu_s", round(emulatorCpu));
        out.put("latency_ms", s.latencyMs());
        out.put("status", first.status() + "/" + idle.status() + "/" + incremental.status());
        out.put("outcome", first.counts().summary() + " | " + incremental.counts().summary());
        return out;
    }

    /** The people as a job with direction both (for the bidirectional scenario). */
    static final String TWO_WAY_JOB = "\n" + String.join("\n",
            "  twoway:",
            "    every: 10m",
            "    direction: both",
            "    source:",
            "      query: |",
            "        SELECT p.id, p.first_name, p.last_name, p.email, p.phone, p.title, c.name AS company_name,",
            "               p.updated_at AS changed_at",
            "        FROM person p LEFT JOIN company c ON c.id = p.company_id",
            "      key: id",
            "      changedAt: changed_at",
            "    segment: all",
            "    createAs: Lead",
            "    matchIn: [Contact, Lead]",
            "    externalIdField: Sfsync_Person_Id__c",
            "    ownership: {fallback: none}",
            "    batchSize: 2000",
            "    inbound:",
            "      settleSeconds: 1",
            "      objects:",
            "        Lead: {table: person, key: id, changedAt: updated_at, newRows: skip}",
            "        Contact: {table: person, key: id, changedAt: updated_at, newRows: skip}",
            "    fields:",
            "      Lead:",
            "        FirstName: {from: first_name}",
            "        LastName: {from: last_name, default: \"[Unknown]\"}",
            "        Email: {from: email, transform: [trim, lowercase]}",
            "        Company: {from: company_name, default: \"[Not Provided]\", direction: to_salesforce}",
            "        Title: {from: title, merge: salesforce_unless_blank}",
            "        Phone: {from: phone}",
            "        Sfsync_Person_Id__c: {from: id, direction: to_salesforce}",
            "      Contact:",
            "        FirstName: {from: first_name}",
            "        LastName: {from: last_name, default: \"[Unknown]\"}",
            "        Email: {from: email, transform: [trim, lowercase]}",
            "        Title: {from: title, merge: salesforce_unless_blank}",
            "        Sfsync_Person_Id__c: {from: id, direction: to_salesforce}") + "\n";

    /**
     * Both ways (the twoway job): N people sent to Salesforce and their echo polled back (unmeasured); then
     * half of {@code changed} Leads edited in Salesforce and the other half of the rows changed in the
     * source; measured: the run that brings both across, then a quiet cycle.
     */
    private Map<String, Object> bidirectional(SfsyncRuntime rt, Settings s, String loginUrl, String secret)
            throws Exception {
        rt.run("twoway", RunContext.Mode.RUN, "cli", "all", null, null);
        Thread.sleep(1500);
        RunContext echo = rt.run("twoway", RunContext.Mode.RUN, "cli", "all", null, null);
        int half = Math.max(1, Math.min(s.changed(), s.rows()) / 2);
        List<String> leads = new ArrayList<>();
        try (Connection c = rt.source().getConnection(); Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT sf_id FROM sync_link WHERE job = 'twoway' AND sobject = 'Lead'"
                        + " ORDER BY source_key FETCH FIRST " + half + " ROWS ONLY")) {
            while (rs.next()) {
                leads.add(rs.getString(1));
            }
        }
        usersEdit(java.net.http.HttpClient.newHttpClient(), loginUrl, secret, "Lead", leads, "Title",
                "Chief Everything Officer");
        sql(rt, "UPDATE person SET phone = '+1 555 0142', updated_at = CURRENT_TIMESTAMP WHERE id IN (SELECT id FROM person"
                + " ORDER BY id DESC FETCH FIRST " + half + " ROWS ONLY)");
        Thread.sleep(1500);
        long start = System.nanoTime();
        RunContext run = rt.run("twoway", RunContext.Mode.RUN, "cli", "all", null, null);
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1500);
        RunContext quiet = rt.run("twoway", RunContext.Mode.RUN, "cli", "all", null, null);
        int changedRecords = leads.size() + half;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", s.scenario());
        out.put("records", changedRecords);
        out.put("seconds", round(seconds));
        out.put("records_per_s", round(changedRecords / seconds));
        out.put("api_calls", run.apiCalls());
        out.put("api_calls_per_1000", round(run.apiCalls() * 1000.0 / changedRecords));
        out.put("echo_poll_api_calls", echo.apiCalls());
        out.put("quiet_cycle_api_calls", quiet.apiCalls());
        out.put("quiet_cycle_written", quiet.counts().created() + quiet.counts().updated());
        out.put("latency_ms", s.latencyMs());
        out.put("status", run.status() + "/" + quiet.status());
        out.put("outcome", run.counts().summary() + " | quiet: " + quiet.counts().summary());
        return out;
    }

    /**
     * Salesforce users change one field of these records: sObject Collections updates of 200, outside any
     * measured run (the emulator counts them; the runs' own counts do not).
     */
    private static void usersEdit(java.net.http.HttpClient http, String loginUrl, String secret, String object,
            List<String> ids, String field, String value) throws IOException, InterruptedException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String token = json.readTree(post(http, loginUrl + "/services/oauth2/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=sfsync-emulator&client_secret=" + secret)).path("access_token").asText();
        for (int i = 0; i < ids.size(); i += 200) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (String id : ids.subList(i, Math.min(ids.size(), i + 200))) {
                batch.add(Map.of("attributes", Map.of("type", object), "id", id, field, value));
            }
            send(http, "PATCH", loginUrl + "/services/data/v62.0/composite/sobjects", "application/json", token,
                    json.writeValueAsString(Map.of("allOrNone", false, "records", batch)));
        }
    }

    /**
     * A realistic incremental run: the reps as Users, a first sync of every row (unmeasured), then C changed
     * rows — 70 % already linked (a phone changed), 30 % new, of them a third already in the org by email as
     * Contacts without an Account, a third as Leads, a third new to Salesforce; each new row at a company of
     * its own, so Contacts need their Accounts created and associated. Returns C.
     */
    private static int incrementalMix(SfsyncRuntime rt, Settings s, String loginUrl) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var http = java.net.http.HttpClient.newHttpClient();
        List<Map<String, Object>> users = new ArrayList<>();
        for (int i = 0; i < DemoData.OWNERS.size() - 1; i++) { // the last rep is not in Salesforce
            String email = DemoData.OWNERS.get(i);
            users.add(Map.of("Email", email, "Username", email, "LastName", "Rep" + i, "IsActive", true));
        }
        post(http, loginUrl + "/_emulator/seed", null, json.writeValueAsString(Map.of("User", users)));
        rt.run("people", RunContext.Mode.RUN, "cli", "all", null, null);
        int changed = Math.min(s.changed(), s.rows());
        int fresh = changed * 3 / 10;
        int linked = changed - fresh;
        int every = Math.max(1, s.rows() / Math.max(1, linked));
        sql(rt, "UPDATE person SET phone = '+1 555 0199', updated_at = CURRENT_TIMESTAMP WHERE MOD(id, " + every
                + ") = 0 AND id <= " + (long) every * linked);
        long base = 10_000_000L;
        sql(rt, "INSERT INTO company (id, name, domain, website, industry, employees, updated_at) SELECT " + base
                + " + x, 'Mix Co ' || x, 'mix-co-' || x || '.example', 'https://www.mix-co-' || x || '.example',"
                + " 'Technology', 40, CURRENT_TIMESTAMP FROM " + range(rt, fresh));
        sql(rt, "INSERT INTO person (id, company_id, first_name, last_name, email, email_status, title, owner_email,"
                + " do_not_contact, updated_at) SELECT " + base + " + x, " + base + " + x, 'Mix', 'Person' || x,"
                + " 'mix' || x || '@mix-co-' || x || '.example', 'valid', 'Engineer', CASE WHEN MOD(x, 4) = 0 THEN '"
                + DemoData.OWNERS.get(DemoData.OWNERS.size() - 1) + "' ELSE '" + DemoData.OWNERS.get(0) + "' END, FALSE,"
                + " CURRENT_TIMESTAMP FROM " + range(rt, fresh));
        List<Map<String, Object>> contacts = new ArrayList<>();
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int x = 1; x <= fresh; x++) {
            String email = "mix" + x + "@mix-co-" + x + ".example";
            if (x % 3 == 1) {
                contacts.add(Map.of("LastName", "Person" + x, "Email", email));
            } else if (x % 3 == 2) {
                leads.add(Map.of("LastName", "Person" + x, "Company", "Mix Co " + x, "Email", email));
            }
        }
        post(http, loginUrl + "/_emulator/seed", null, json.writeValueAsString(Map.of("Contact", contacts, "Lead", leads)));
        return changed;
    }

    private static String processSourceUrl(Path scratch) {
        return "jdbc:h2:file:" + scratch.resolve("source");
    }

    /**
     * The measured run as users run it: {@code java -jar sfsync.jar run people}, a cold JVM of its own against
     * the standalone emulator. Its calls are what the emulator counted while it lived; the time to its first
     * call is when that count first moved (sampled every 10 ms); its peak RSS is the kernel's high-water mark
     * (VmHWM) and its CPU seconds the last sample of /proc (every 20 ms until it ends).
     */
    private static Map<String, Object> processRun(Settings s, Path configDir, Path scratch, String loginUrl, String secret,
            int measuredRows, Source source) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(javaBin));
        String jvmArgs = System.getProperty("sfsync.benchmark.process-jvm-args");
        if (jvmArgs != null && !jvmArgs.isBlank()) {
            command.addAll(List.of(jvmArgs.trim().split("\\s+")));
        }
        // every collection's heap before and after, for the live set
        command.add("-Xlog:gc:file=" + scratch.resolve("gc.log"));
        // the segment the seeding runs used: another one would make this run a resync (the segment is in the fingerprint)
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sfsync.cli.SfsyncCommand", "run", "people",
                "--segment", "all", "--config", configDir.toAbsolutePath().toString(), "--routes",
                s.routesDir().toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(scratch.resolve("run.log").toFile());
        pb.environment().put("SFSYNC_SOURCE_URL", source.url());
        pb.environment().put("SFSYNC_SOURCE_USER", source.user());
        pb.environment().put("SFSYNC_SOURCE_PASSWORD", source.password());
        pb.environment().put("SFSYNC_SF_LOGIN_URL", loginUrl);
        pb.environment().put("SFSYNC_SF_CLIENT_ID", "sfsync-emulator");
        pb.environment().put("SFSYNC_SF_CLIENT_SECRET", secret);
        long before = countedBySalesforce(loginUrl);
        long start = System.nanoTime();
        Process p = pb.start();
        long firstCallNanos = -1;
        long peakRssKb = 0;
        long lastRss = 0;
        double cpu = -1;
        while (p.isAlive()) {
            if (firstCallNanos < 0 && countedBySalesforce(loginUrl) > before) {
                firstCallNanos = System.nanoTime() - start;
            }
            if (System.nanoTime() - lastRss > 20_000_000L) {
                peakRssKb = Math.max(peakRssKb, peakRssKb(p.pid()));
                cpu = Math.max(cpu, cpuSeconds(p.pid()));
                lastRss = System.nanoTime();
            }
            p.waitFor(10, TimeUnit.MILLISECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long counted = countedBySalesforce(loginUrl) - before;
        String log = java.nio.file.Files.readString(scratch.resolve("run.log"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", s.scenario());
        out.put("measured", "a cold `sfsync run people` process (source and sync tables in " + source.label() + ")");
        out.put("records", measuredRows);
        out.put("process_seconds", round(seconds));
        out.put("records_per_s", measuredRows == 0 ? null : round(measuredRows / seconds));
        out.put("salesforce_counted_api_calls", counted);
        out.put("api_calls_per_1000", measuredRows == 0 ? null : round(counted * 1000.0 / measuredRows));
        out.put("first_api_call_s", firstCallNanos < 0 ? null : round(firstCallNanos / 1e9));
        out.put("peak_rss_mb", peakRssKb == 0 ? null : peakRssKb / 1024);
        // the most in use right after a collection (GC log): an upper bound of the live set; null without a collection
        java.util.regex.Matcher gc = java.util.regex.Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)")
                .matcher(java.nio.file.Files.readString(scratch.resolve("gc.log")));
        Long liveMb = null;
        long maxHeapMb = 0;
        int collections = 0;
        while (gc.find()) {
            liveMb = Math.max(liveMb == null ? 0 : liveMb, Long.parseLong(gc.group(2)));
            maxHeapMb = Math.max(maxHeapMb, Long.parseLong(gc.group(3)));
            collections++;
        }
        out.put("max_live_heap_mb", liveMb);
        out.put("heap_committed_mb", collections == 0 ? null : maxHeapMb);
        out.put("collections", collections);
        out.put("process_cpu_s", cpu < 0 ? null : round(cpu));
        out.put("latency_ms", s.latencyMs());
        out.put("exit_code", p.exitValue());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+ created, \\d+ updated, .*? errors[^\\n(]*)").matcher(log);
        String outcome = null;
        while (m.find()) {
            outcome = m.group(1).trim(); // the report's line comes after the batches' progress lines
        }
        out.put("outcome", outcome);
        return out;
    }

    /** The process's peak resident set (VmHWM) in KiB, or 0 when it cannot be read (it ended, no /proc). */
    private static long peakRssKb(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** The process's CPU seconds so far (user + system, /proc/PID/stat at 100 ticks a second), or -1. */
    private static double cpuSeconds(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime and stime, fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final java.net.http.HttpClient CONTROL = java.net.http.HttpClient.newHttpClient();

    /** The API calls the emulator has counted so far (its control plane; not itself an API call). */
    private static long countedBySalesforce(String loginUrl) throws IOException, InterruptedException {
        var r = CONTROL.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(loginUrl + "/_emulator/calls")).GET()
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("apiCallsCounted").asLong();
    }

    private static String post(java.net.http.HttpClient http, String url, String contentType, String body)
            throws IOException, InterruptedException {
        return send(http, "POST", url, contentType == null ? "application/json" : contentType, null, body);
    }

    private static String send(java.net.http.HttpClient http, String method, String url, String contentType, String token,
            String body) throws IOException, InterruptedException {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", contentType)
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var r = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    private static Process startEmulator(long latencyMs, String secret) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the emulator holds the whole org in memory (a million records for the 1M bulk run): give it room
        List<String> command = new ArrayList<>(List.of(java,
                "-Xmx" + System.getProperty("sfsync.benchmark.emulator-heap", "8g")));
        // e.g. -Dsfsync.benchmark.emulator-jvm-args=-XX:StartFlightRecording=filename=emulator.jfr to profile it
        String extra = System.getProperty("sfsync.benchmark.emulator-jvm-args");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sfsync.cli.SfsyncCommand", "emulator",
                "--port", "0", "--latency-ms", String.valueOf(latencyMs), "--daily-api-limit", "100000000",
                "--max-concurrent", "100", "--client-secret", secret));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static String awaitLoginUrl(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.trim().startsWith("Login URL:")) {
                String url = line.trim().substring("Login URL:".length()).trim();
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException ignored) {
                        // the emulator stopped
                    }
                }, "emulator-output");
                drain.setDaemon(true);
                drain.start();
                return url;
            }
        }
        throw new IllegalStateException("the emulator did not start");
    }

    private static void sql(SfsyncRuntime rt, String statement) throws SQLException {
        try (Connection c = rt.source().getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** One JSON line, no library needed for so little. */
    public static String json(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> {
            sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ");
            sb.append(v == null ? "null" : v instanceof Number ? String.format(Locale.ROOT, "%s", v) : "\"" + v + "\"");
        });
        return sb.append('}').toString();
    }
}
