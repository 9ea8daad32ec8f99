package io.sfsync.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.app.SfsyncRuntime;
import io.sfsync.db.Databases;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.synclog.SyncStore;

/**
 * A running sfsync (the real Camel routes, the real camel-salesforce) against the emulator and a
 * real database, with builders for source rows and Salesforce records.
 */
final class SyncHarness implements AutoCloseable {
    final SalesforceEmulator emulator;
    final SfsyncRuntime runtime;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private long clock = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    private final Path configDir;
    private final Path routes;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    /** The embedded PostgreSQL this harness started (closed with it), or null. */
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

    /** A harness on an in-memory H2 database of this name. */
    static SyncHarness h2(String name, Path dir) {
        return new SyncHarness("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", dir);
    }

    /** A harness on in-memory H2 whose Camel routes are the YAML files of {@code routes} (not the shipped ones). */
    static SyncHarness h2(String name, Path dir, Path routes) {
        return h2(name, dir, routes, "");
    }

    /** As {@link #h2(String, Path, Path)}, with more jobs (YAML under {@code jobs:}, indented two spaces). */
    static SyncHarness h2(String name, Path dir, Path routes, String moreJobs) {
        return new SyncHarness("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", dir, routes, moreJobs);
    }

    /** A harness on a real PostgreSQL of its own, started in-process and stopped with the harness. */
    static SyncHarness postgres(Path dir) {
        return postgres(dir, Path.of("routes"));
    }

    /** A harness on a PostgreSQL of its own whose Camel routes are the YAML files of {@code routes}. */
    static SyncHarness postgres(Path dir, Path routes) {
        return postgres(dir, routes, "");
    }

    /** As {@link #postgres(Path, Path)}, with more jobs (YAML under {@code jobs:}, indented two spaces). */
    static SyncHarness postgres(Path dir, Path routes, String moreJobs) {
        try {
            var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
            SyncHarness h = new SyncHarness(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", dir, routes, moreJobs);
            h.postgres = pg;
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The embedded PostgreSQL (null on H2): a test may cut its connections as a restart would. */
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres() {
        return postgres;
    }

    /** A record of field name / value pairs, as the org builders take them. */
    static Map<String, Object> rec(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    SyncHarness(String jdbcUrl, String user, String password, Path dir) {
        this(jdbcUrl, user, password, dir, Path.of("routes"), "");
    }

    SyncHarness(String jdbcUrl, String user, String password, Path dir, Path routes, String moreJobs) {
        this.routes = routes;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.emulator = SalesforceEmulator.builder().build().start();
        try {
            Path config = Files.createDirectories(dir.resolve("config"));
            this.configDir = config;
            Files.copy(Path.of("config/application.properties"), config.resolve("application.properties"));
            String yaml = new String(SyncHarness.class.getResourceAsStream("/sync/sync-test.yaml").readAllBytes())
                    .replace("LOGIN_URL", emulator.loginUrl()) + moreJobs;
            Files.writeString(config.resolve("sync.yaml"), yaml);
            overrides.put("sfsync.source.url", jdbcUrl);
            overrides.put("sfsync.source.user", user);
            overrides.put("sfsync.source.password", password);
            overrides.put("sfsync.salesforce.redelivery-delay-ms", "20");
            overrides.put("camel.component.salesforce.clientId", emulator.credentials().clientId());
            overrides.put("camel.component.salesforce.clientSecret", emulator.credentials().clientSecret());
            overrides.put("camel.main.jmx-enabled", "false");
            overrides.put("camel.server.port", "0");
            overrides.put("sfsync.hawtio.enabled", "false");
            // tests count API calls exactly: no timer may spend one behind their back
            overrides.put("sfsync.limits.watch", "false");
            try {
                runtime = SfsyncRuntime.start(new SfsyncRuntime.Options(config, routes, false, false, false, overrides));
            } catch (RuntimeException e) {
                emulator.stop();
                throw e;
            }
            Databases.migrateDemoSource(runtime.source());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SyncStore store() {
        return runtime.store();
    }

    /** Another sfsync instance on the same database and org whose sync.yaml is this one's, edited (close it). */
    SfsyncRuntime withEditedConfig(java.util.function.UnaryOperator<String> edit) {
        try {
            Path dir = Files.createTempDirectory(configDir.getParent(), "edited-config");
            Files.copy(configDir.resolve("application.properties"), dir.resolve("application.properties"));
            String yaml = Files.readString(configDir.resolve("sync.yaml"));
            String edited = edit.apply(yaml);
            if (edited.equals(yaml)) {
                throw new IllegalArgumentException("the edit changed nothing in sync.yaml");
            }
            Files.writeString(dir.resolve("sync.yaml"), edited);
            return SfsyncRuntime.start(new SfsyncRuntime.Options(dir, routes, false, false, false, overrides));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another sfsync instance on the same database and org (as a second pod or host would be). */
    SfsyncRuntime anotherInstance() {
        return SfsyncRuntime.start(new SfsyncRuntime.Options(configDir, routes, false, false, false, overrides));
    }

    /** Empties the source, the sync tables and the org. */
    void reset() {
        emulator.reset();
        sql("DELETE FROM touchpoint", "DELETE FROM person", "DELETE FROM company", "DELETE FROM sync_log",
                "DELETE FROM sync_link", "DELETE FROM sync_state", "DELETE FROM sync_intent", "DELETE FROM sync_cursor",
                "DELETE FROM sync_record_link", "DELETE FROM sync_conflict", "DELETE FROM sync_activity", "DELETE FROM sync_run",
                "DELETE FROM sync_describe");
    }

    RunContext run(String job) {
        return runtime.run(job, RunContext.Mode.RUN, "manual", null, null, null);
    }

    RunContext run(String job, RunContext.Mode mode) {
        return runtime.run(job, mode, "manual", null, null, null);
    }

    void sql(String... statements) {
        try (Connection c = runtime.source().getConnection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A company row. */
    void company(long id, String name, String domain, String industry) {
        exec("INSERT INTO company (id, name, domain, website, industry, employees, updated_at) VALUES (?,?,?,?,?,?,?)",
                id, name, domain, domain == null ? null : "https://www." + domain, industry, 50, tick());
    }

    /** Starts a person row; {@link PersonRow#insert()} writes it. */
    PersonRow person(long id) {
        return new PersonRow(id);
    }

    final class PersonRow {
        final Map<String, Object> cols = new LinkedHashMap<>();

        PersonRow(long id) {
            cols.put("id", id);
            cols.put("first_name", "First" + id);
            cols.put("last_name", "Last" + id);
            cols.put("email", "person" + id + "@example.com");
            cols.put("email_status", "valid");
            cols.put("do_not_contact", false);
        }

        PersonRow with(String column, Object value) {
            cols.put(column, value);
            return this;
        }

        PersonRow email(String e) { return with("email", e); }
        PersonRow owner(String e) { return with("owner_email", e); }
        PersonRow company(long id) { return with("company_id", id); }
        PersonRow title(String t) { return with("title", t); }

        void insert() {
            insertChangedAt(tick());
        }

        /** Inserts the row with this updated_at, as a transaction that began earlier and commits now would. */
        void insertChangedAt(Object updatedAt) {
            cols.put("updated_at", updatedAt instanceof Instant i ? i.atOffset(ZoneOffset.UTC) : updatedAt);
            List<String> names = new ArrayList<>(cols.keySet());
            exec("INSERT INTO person (" + String.join(", ", names) + ") VALUES (" + "?,".repeat(names.size() - 1) + "?)",
                    cols.values().toArray());
        }
    }

    /** Changes a person's column with this updated_at, as a transaction that began earlier and commits now would. */
    void updateChangedAt(long personId, String column, Object value, Instant updatedAt) {
        exec("UPDATE person SET " + column + " = ?, updated_at = ? WHERE id = ?", value, updatedAt.atOffset(ZoneOffset.UTC),
                personId);
    }

    /** A touchpoint of a person, sent by {@code sender}, happening now (the clock ticks). */
    void touchpoint(long id, long personId, String kind, String subject, String body, String sender) {
        exec("INSERT INTO touchpoint (id, person_id, kind, subject, body, occurred_at, sender_email) VALUES (?,?,?,?,?,?,?)",
                id, personId, kind, subject, body, tick(), sender);
    }

    /** Changes a person's column and bumps updated_at (a change the next run picks up). */
    void update(long personId, String column, Object value) {
        exec("UPDATE person SET " + column + " = ?, updated_at = ? WHERE id = ?", value, tick(), personId);
    }

    private Object tick() {
        clock += 60;
        return Instant.ofEpochSecond(clock).atOffset(ZoneOffset.UTC);
    }

    private void exec(String sql, Object... params) {
        try (Connection c = runtime.source().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Salesforce records seeded as they would already exist in the org; returns their Ids by _ref. */
    Map<String, String> org(Map<String, List<Map<String, Object>>> records) {
        return emulator.seed(records);
    }

    /** Records of an object in the org, as the emulator holds them (live ones). */
    List<Map<String, Object>> records(String object) {
        return emulator.org().store().list(object, false);
    }

    Map<String, Object> record(String id) {
        return emulator.org().store().get(id);
    }

    List<SyncStore.LogEntry> log(RunContext run) {
        return store().log(run.runId());
    }

    SyncStore.LogEntry outcome(RunContext run, String key) {
        return log(run).stream().filter(e -> e.sourceKey().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no sync_log row for " + key));
    }

    String jdbcUrl() {
        return jdbcUrl + " as " + user + (password.isEmpty() ? "" : " with a password");
    }

    @Override
    public void close() {
        runtime.close();
        emulator.stop();
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
