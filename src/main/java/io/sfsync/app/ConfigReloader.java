package io.sfsync.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sfsync.config.JobConfig;
import io.sfsync.config.JobFingerprint;
import io.sfsync.config.SyncConfig;
import io.sfsync.config.SyncConfigLoader.InvalidConfigException;

/**
 * A serving sfsync reads config/sync.yaml again when its contents change. The new file is checked in
 * full first: a file with problems keeps the running configuration, and every problem (with its path)
 * is logged and kept for {@code /api/config/status} and the console. A good file's jobs take effect at
 * once — the next run of a job uses them (a run in progress finishes with the settings it began with),
 * its schedule is replaced, and a changed mapping or segment makes that next run a resync. The
 * {@code salesforce}, {@code management} and {@code alerts} sections shape the connection, the API's
 * access rules and the alert channel set up at start: a change there is reported as needing a restart
 * and the running values stay.
 */
public final class ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    /** What the last look at the file found. */
    public record Status(String file, String state, Instant checkedAt, Instant appliedAt, List<String> problems,
            List<String> changes, List<String> restartNeeded) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file);
            m.put("state", state);
            m.put("checkedAt", checkedAt == null ? null : checkedAt.toString());
            m.put("appliedAt", appliedAt == null ? null : appliedAt.toString());
            m.put("problems", problems);
            m.put("changes", changes);
            m.put("restartNeeded", restartNeeded);
            return m;
        }
    }

    private final Path file;
    private final Function<Path, SyncConfig> loader;
    private final Supplier<SyncConfig> running;
    private final Function<SyncConfig, List<String>> moreProblems;
    private final BiConsumer<SyncConfig, SyncConfig> apply;
    private String lastHash;
    /** A change seen once: applied when the next look finds the same contents (an editor may still be writing). */
    private String pendingHash;
    private volatile Status status;

    /**
     * @param loader reads and checks the file (throws {@link InvalidConfigException} with every problem)
     * @param moreProblems what the runtime itself refuses in a configuration that loads (e.g. a job's route
     *        that no YAML route consumes)
     * @param apply swaps the running configuration for the new one (old, new)
     */
    public ConfigReloader(Path file, Function<Path, SyncConfig> loader, Supplier<SyncConfig> running,
            Function<SyncConfig, List<String>> moreProblems, BiConsumer<SyncConfig, SyncConfig> apply) {
        this.file = file;
        this.loader = loader;
        this.running = running;
        this.moreProblems = moreProblems;
        this.apply = apply;
        this.lastHash = hashOf(file);
        this.status = new Status(file.toString(), "OK", Instant.now(), Instant.now(), List.of(), List.of(), List.of());
    }

    public Status status() {
        return status;
    }

    /**
     * Looks at the file; when its contents changed and stayed so since the previous look (a file half-written by
     * an editor is not read as a broken one), checks and applies it. True when a new configuration applies.
     */
    public synchronized boolean check() {
        String hash = hashOf(file);
        if (Objects.equals(hash, lastHash)) {
            pendingHash = null;
            return false;
        }
        if (!Objects.equals(hash, pendingHash)) {
            pendingHash = hash; // changed since the last look: settled only if the next look finds the same
            return false;
        }
        pendingHash = null;
        lastHash = hash;
        Instant now = Instant.now();
        SyncConfig fresh;
        List<String> problems;
        try {
            fresh = loader.apply(file);
            problems = moreProblems.apply(fresh);
        } catch (InvalidConfigException e) {
            fresh = null;
            problems = e.problems();
        } catch (RuntimeException e) {
            fresh = null;
            problems = List.of("cannot be read: " + e.getMessage());
        }
        if (fresh == null || !problems.isEmpty()) {
            status = new Status(file.toString(), "INVALID", now, status.appliedAt(), List.copyOf(problems), List.of(),
                    status.restartNeeded());
            LOG.warn("{} changed but has {} problem{}; the running configuration stays:\n  {}", file, problems.size(),
                    problems.size() == 1 ? "" : "s", String.join("\n  ", problems));
            return false;
        }
        SyncConfig old = running.get();
        List<String> restart = new ArrayList<>();
        if (!fresh.salesforce().equals(old.salesforce())) {
            restart.add("salesforce");
        }
        if (!fresh.management().equals(old.management())) {
            restart.add("management");
        }
        if (!fresh.alerts().equals(old.alerts())) {
            restart.add("alerts");
        }
        SyncConfig applied = new SyncConfig(old.salesforce(), fresh.jobs(), old.management(), old.alerts());
        List<String> changes = changes(old, applied);
        if (!changes.isEmpty()) {
            apply.accept(old, applied);
        }
        status = new Status(file.toString(), "OK", now, changes.isEmpty() ? status.appliedAt() : now, List.of(),
                changes, restart);
        if (changes.isEmpty() && restart.isEmpty()) {
            LOG.info("{} changed; its jobs are as they were", file);
        } else {
            LOG.info("{} reloaded{}{}", file, changes.isEmpty() ? "" : ":\n  " + String.join("\n  ", changes),
                    restart.isEmpty() ? "" : "\n  " + String.join(", ", restart)
                            + " changed: that takes effect when sfsync restarts (the running values stay until then)");
        }
        return !changes.isEmpty();
    }

    /** What differs between the jobs of two configurations, a line per job. */
    static List<String> changes(SyncConfig before, SyncConfig after) {
        List<String> out = new ArrayList<>();
        for (String name : before.jobs().keySet()) {
            if (!after.jobs().containsKey(name)) {
                out.add("job " + name + " removed (its schedule stops; its sync tables are kept)");
            }
        }
        after.jobs().forEach((name, job) -> {
            JobConfig was = before.jobs().get(name);
            if (was == null) {
                out.add("job " + name + " added");
            } else if (!was.equals(job)) {
                out.add("job " + name + ": " + String.join(", ", changedParts(was, job)));
            }
        });
        return out;
    }

    private static List<String> changedParts(JobConfig was, JobConfig job) {
        List<String> parts = new ArrayList<>();
        List<String> sections = JobFingerprint.of(job, job.segment())
                .changedFrom(JobFingerprint.of(was, was.segment()).sectionsJson());
        if (!sections.isEmpty()) {
            parts.add(String.join(", ", sections) + " changed (its next run resyncs)");
        }
        if (!Objects.equals(was.cron(), job.cron())) {
            parts.add("schedule now " + job.cron());
        }
        if (was.direction() != job.direction()) {
            parts.add("direction now " + job.direction().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (was.batchSize() != job.batchSize()) {
            parts.add("batchSize now " + job.batchSize());
        }
        if (was.bulkThreshold() != job.bulkThreshold()) {
            parts.add("bulkThreshold now " + job.bulkThreshold());
        }
        if (!Objects.equals(was.route(), job.route())) {
            parts.add("route now " + job.route());
        }
        if (!Objects.equals(was.inbound(), job.inbound())) {
            parts.add("inbound settings changed");
        }
        if (was.dataSync() != job.dataSync() || !Objects.equals(was.activities(), job.activities())) {
            parts.add("activities settings changed");
        }
        if (parts.isEmpty()) {
            parts.add("settings changed");
        }
        return parts;
    }

    private static String hashOf(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
