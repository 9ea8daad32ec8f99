package io.sfsync.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.FieldRule;
import io.sfsync.config.JobConfig;
import io.sfsync.config.SyncConfig;
import io.sfsync.salesforce.FieldInfo;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;
import io.sfsync.source.SourceReader;

/**
 * {@code sfsync check}: sync.yaml against the source database (every column a job reads exists) and
 * against Salesforce's describe of each object (fields exist and are writable, constant and
 * translated picklist values are valid, every required field is mapped or defaulted). Every
 * problem is reported with its path.
 */
public final class ConfigChecker {
    private final SyncConfig config;
    private final javax.sql.DataSource source;
    private final SalesforceClient salesforce;

    public ConfigChecker(SyncConfig config, javax.sql.DataSource source, SalesforceClient salesforce) {
        this.config = config;
        this.source = source;
        this.salesforce = salesforce;
    }

    public List<String> check() {
        List<String> problems = new ArrayList<>();
        Map<String, ObjectInfo> describe = describe(problems);
        for (JobConfig job : config.jobs().values()) {
            String p = "jobs." + job.name();
            if (job.polls()) {
                checkInbound(problems, p, job, describe);
            }
            if (job.source() == null) {
                continue; // an inbound job reads no query: its tables are checked above
            }
            List<String> columns;
            try {
                columns = new SourceReader(source, job.source()).columns();
            } catch (RuntimeException e) {
                problems.add(p + ".source.query: " + e.getMessage());
                continue;
            }
            checkSegments(problems, p, job);
            if (job.activities().source() != null) {
                checkActivities(problems, p + ".activities", job, describe.get("Task"));
            }
            requireColumn(problems, columns, p + ".source.key", job.source().key());
            requireColumn(problems, columns, p + ".source.changedAt", job.source().changedAt());
            requireColumn(problems, columns, p + ".doNotContact", job.doNotContactColumn());
            requireColumn(problems, columns, p + ".ownership.ownerFrom", job.ownership().ownerFrom());
            if (job.accounts().enabled()) {
                requireColumn(problems, columns, p + ".accounts.domainFrom", job.accounts().domainColumn());
                requireColumn(problems, columns, p + ".accounts.nameFrom", job.accounts().nameColumn());
            }
            for (Map.Entry<String, List<FieldRule>> e : job.fields().entrySet()) {
                ObjectInfo info = describe.get(e.getKey());
                for (FieldRule rule : e.getValue()) {
                    String fp = p + ".fields." + e.getKey() + "." + rule.field();
                    if (rule.outbound()) {
                        requireColumn(problems, columns, fp + ".from", rule.from());
                    }
                    if (info != null) {
                        checkField(problems, fp, info, rule);
                    }
                }
                if (info != null && (e.getKey().equals(job.createAs()) || e.getKey().equals("Account"))) {
                    for (FieldInfo f : info.fields()) {
                        if (f.requiredOnCreate() && !f.name().equals("OwnerId") && e.getValue().stream()
                                .noneMatch(r -> r.field().equalsIgnoreCase(f.name()) && (r.value() != null
                                        || r.defaultValue() != null))) {
                            boolean mapped = e.getValue().stream().anyMatch(r -> r.field().equalsIgnoreCase(f.name()));
                            if (!(e.getKey().equals("Account") && f.name().equals("Name"))) {
                                problems.add(p + ".fields." + e.getKey() + "." + f.name() + ": Salesforce requires it on create; "
                                        + (mapped ? "add a default for rows where it is blank" : "map it or give it a default"));
                            }
                        }
                    }
                }
            }
            if (job.externalIdField() != null) {
                for (String object : new java.util.LinkedHashSet<>(concat(job.matchIn(), job.createAs()))) {
                    ObjectInfo info = describe.get(object);
                    if (info != null && info.field(job.externalIdField()) == null) {
                        problems.add(p + ".externalIdField: " + object + " has no field " + job.externalIdField()
                                + "; create it (Text, External ID, Unique) or change the name");
                    }
                }
            }
        }
        return problems;
    }

    /** What is valid but risky: reported by {@code sfsync check}, never a failure. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        var sf = config.salesforce();
        if (sf.auth() == io.sfsync.config.SalesforceSettings.AuthType.CLIENT_CREDENTIALS && !myDomain(sf.resolvedLoginUrl())) {
            warnings.add("salesforce.loginUrl: the client-credentials flow needs your org's My Domain"
                    + " (https://yourcompany.my.salesforce.com, or …sandbox.my.salesforce.com): Salesforce refuses it at "
                    + sf.resolvedLoginUrl() + ". Set environment: custom and loginUrl to the My Domain URL"
                    + " (Setup → My Domain).");
        }
        for (JobConfig job : config.jobs().values()) {
            if (job.outbound() && job.mode() != JobConfig.Mode.UPDATE_ONLY && job.externalIdField() == null) {
                boolean email = job.matchBy().contains(JobConfig.MatchKey.EMAIL);
                warnings.add("jobs." + job.name() + ".externalIdField: not set, so creates are plain inserts: when a"
                        + " create's response is lost in transit the row stays PENDING and the next run "
                        + (email ? "finds the record by email — a row without an email could be created twice"
                                : "cannot find the record (matchBy has no email) and could create it twice")
                        + ". Add an External ID field to " + job.createAs() + " and name it here.");
            }
        }
        return warnings;
    }

    /**
     * Whether a login URL can serve the client-credentials flow: anything but Salesforce's shared login hosts
     * (login.salesforce.com, test.salesforce.com) — a My Domain, or the bundled emulator.
     */
    static boolean myDomain(String loginUrl) {
        String host;
        try {
            host = java.net.URI.create(loginUrl).getHost();
        } catch (IllegalArgumentException e) {
            return true; // the URL's own problem is reported elsewhere
        }
        return host == null || !(host.equalsIgnoreCase("login.salesforce.com") || host.equalsIgnoreCase("test.salesforce.com"));
    }

    private static List<String> concat(List<String> list, String one) {
        List<String> out = new ArrayList<>(list);
        if (one != null) {
            out.add(one);
        }
        return out;
    }

    /** A job's activities: its query runs and has the columns it names; Task has the external ID field. */
    private void checkActivities(List<String> problems, String p, JobConfig job, ObjectInfo task) {
        var a = job.activities();
        List<String> columns;
        try {
            columns = new SourceReader(source, a.source()).columns();
        } catch (RuntimeException e) {
            problems.add(p + ".source.query: " + e.getMessage());
            return;
        }
        requireColumn(problems, columns, p + ".source.key", a.source().key());
        requireColumn(problems, columns, p + ".source.changedAt", a.source().changedAt());
        requireColumn(problems, columns, p + ".person", a.personColumn());
        requireColumn(problems, columns, p + ".kind", a.kindColumn());
        requireColumn(problems, columns, p + ".subject", a.subjectColumn());
        requireColumn(problems, columns, p + ".occurredAt", a.occurredAtColumn());
        requireColumn(problems, columns, p + ".sender", a.senderColumn());
        if (a.includeContent()) {
            requireColumn(problems, columns, p + ".body", a.bodyColumn());
        }
        String taskProblem = io.sfsync.activities.ActivitySync.taskProblem(job, task);
        if (taskProblem != null) {
            problems.add(taskProblem);
        }
    }

    private Map<String, ObjectInfo> describe(List<String> problems) {
        List<String> objects = java.util.stream.Stream.concat(config.jobs().values().stream()
                .flatMap(j -> j.fields().keySet().stream()), config.jobs().values().stream()
                .filter(j -> j.activities().source() != null).map(j -> "Task")).distinct().toList();
        List<ObjectNode> subs = new ArrayList<>();
        objects.forEach(o -> subs.add(salesforce.subrequest("GET", "sobjects/" + o + "/describe", o, null)));
        Map<String, ObjectInfo> out = new LinkedHashMap<>();
        if (subs.isEmpty()) {
            return out;
        }
        for (JsonNode r : salesforce.composite(subs, Map.of(), true)) {
            String object = r.path("referenceId").asText();
            if (r.path("httpStatusCode").asInt() >= 300) {
                problems.add("Salesforce: cannot describe " + object + ": " + r.path("body"));
            } else {
                out.put(object, ObjectInfo.fromDescribe(r.path("body")));
            }
        }
        return out;
    }

    /**
     * An inbound job's tables: each exists with the key, changedAt, account, matchOn and flag columns the job
     * names, and every column a field from Salesforce goes to; every matchOn field exists in Salesforce.
     */
    private void checkInbound(List<String> problems, String p, JobConfig job, Map<String, ObjectInfo> describe) {
        io.sfsync.inbound.SourceTables tables = new io.sfsync.inbound.SourceTables(source);
        for (io.sfsync.config.InboundConfig.Target t : job.inbound().targets().values()) {
            String tp = p + ".inbound.objects." + t.object();
            java.util.Set<String> cols;
            try {
                cols = tables.columns(t.table()).keySet();
            } catch (RuntimeException e) {
                problems.add(tp + ".table: " + e.getMessage());
                continue;
            }
            java.util.function.BiConsumer<String, String> need = (setting, column) -> {
                if (column != null && !cols.contains(column.toLowerCase(java.util.Locale.ROOT))) {
                    problems.add(tp + "." + setting + ": table " + t.table() + " has no column " + column);
                }
            };
            need.accept("key", t.key());
            need.accept("changedAt", t.changedAt());
            need.accept("accountColumn", t.accountColumn());
            t.matchOn().forEach((field, column) -> need.accept("matchOn." + field, column));
            if (t.isPerson()) {
                if (job.inbound().onDelete() == io.sfsync.config.InboundConfig.OnDelete.FLAG) {
                    need.accept("(inbound.deletedFlag)", job.inbound().deletedFlag());
                }
                need.accept("(inbound.addressIncompleteFlag)", job.inbound().addressIncompleteFlag());
            }
            ObjectInfo info = describe.get(t.object());
            for (String field : t.matchOn().keySet()) {
                if (info != null && info.field(field) == null) {
                    problems.add(tp + ".matchOn." + field + ": " + t.object() + " has no field " + field);
                }
            }
            for (FieldRule rule : job.fieldsOf(t.object())) {
                if (info != null && info.field(rule.field()) == null && !job.outbound()) {
                    problems.add(p + ".fields." + t.object() + "." + rule.field() + ": " + t.object() + " has no field "
                            + rule.field());
                }
                if (rule.inbound()) {
                    String column = t.column(rule.from());
                    if (!cols.contains(column.toLowerCase(java.util.Locale.ROOT))) {
                        problems.add(p + ".fields." + t.object() + "." + rule.field() + ".from: table " + t.table()
                                + " has no column " + column + (column.equals(rule.from()) ? "" : " (inbound.objects."
                                + t.object() + ".columns maps " + rule.from() + " to it)")
                                + (rule.from().equals(column) && job.outbound() ? "; for a column of the query only,"
                                        + " map it under inbound.objects." + t.object() + ".columns" : ""));
                    }
                }
            }
        }
    }

    private static void checkField(List<String> problems, String path, ObjectInfo info, FieldRule rule) {
        FieldInfo f = info.field(rule.field());
        if (f == null) {
            problems.add(path + ": " + info.name() + " has no field " + rule.field());
            return;
        }
        if (!f.createable() && !f.updateable() && rule.outbound()) {
            problems.add(path + ": " + info.name() + "." + f.name() + " is not writable for the integration user (a"
                    + " formula or system field can only be direction: from_salesforce)");
        }
        if (f.type().equals("picklist") && f.restrictedPicklist()) {
            List<String> values = new ArrayList<>(rule.picklist().values());
            if (rule.value() != null) {
                values.add(rule.value());
            }
            if (rule.defaultValue() != null) {
                values.add(rule.defaultValue());
            }
            for (String v : values) {
                if (!f.picklistValues().contains(v)) {
                    problems.add(path + ": '" + v + "' is not a value of the restricted picklist " + info.name() + "."
                            + f.name() + " (" + String.join(" | ", f.picklistValues()) + ")");
                }
            }
        }
    }

    /**
     * The job's segment and every segment it defines must be SQL the source database accepts over the
     * query's columns; the built-in ones it does not use may name columns this source does not have.
     */
    private void checkSegments(List<String> problems, String path, JobConfig job) {
        java.util.Set<String> used = new java.util.LinkedHashSet<>();
        used.add(job.segment());
        job.segments().forEach((name, predicate) -> {
            if (!predicate.equals(io.sfsync.config.SyncConfigLoader.defaultSegment(name))) {
                used.add(name);
            }
        });
        for (String name : used) {
            String predicate = job.segmentPredicate(name);
            if (predicate == null) {
                continue;
            }
            String sql = "SELECT 1 FROM (" + job.source().query() + ") src WHERE (" + predicate + ") AND 1 = 0";
            try (java.sql.Connection c = source.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(sql);
                    java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
            } catch (java.sql.SQLException e) {
                problems.add(path + (name.equals(job.segment()) && io.sfsync.config.SyncConfigLoader.defaultSegment(name) != null
                        ? ".segment" : ".segments." + name) + ": the source database rejects the predicate '" + predicate
                        + "': " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    private static void requireColumn(List<String> problems, List<String> columns, String path, String column) {
        if (column != null && !columns.contains(column.toLowerCase(java.util.Locale.ROOT))) {
            problems.add(path + ": the source query has no column '" + column + "' (it has " + String.join(", ", columns) + ")");
        }
    }
}
