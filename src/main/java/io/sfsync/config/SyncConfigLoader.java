package io.sfsync.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads config/sync.yaml into {@link SyncConfig}, checking every setting in one pass and reporting
 * every problem with its path. Each value is read through its definition in {@link ConfigKeys}; what is
 * left here concerns several settings at once (a login URL that custom requires, fields for the createAs
 * object). {@code {{env:NAME}}} and {@code {{env:NAME:default}}} in values come from the environment
 * ({@link EnvPlaceholders}), so the file never holds secrets or per-machine URLs.
 */
public final class SyncConfigLoader {
    public static final List<String> TRANSFORMS = ConfigKeys.TRANSFORMS;

    private final EnvPlaceholders placeholders;

    public SyncConfigLoader() {
        this(System::getenv);
    }

    public SyncConfigLoader(UnaryOperator<String> env) {
        this.placeholders = new EnvPlaceholders(env);
    }

    /**
     * Thrown with every problem found, one per line, each with its path: the one kind of error that means
     * "the configuration is wrong" (the command line reports it as such, without a stack trace).
     */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private final List<String> problems;

        public InvalidConfigException(String source, List<String> problems) {
            this(source, List.copyOf(new LinkedHashSet<>(problems)), true);
        }

        // a value of the wrong shape is met by several readers: each problem is reported once
        private InvalidConfigException(String source, List<String> unique, boolean deduplicated) {
            super(source + " has " + unique.size() + " problem" + (unique.size() == 1 ? "" : "s") + ":\n  "
                    + String.join("\n  ", unique));
            this.problems = unique;
        }

        public List<String> problems() {
            return problems;
        }
    }

    public SyncConfig load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(file.toAbsolutePath().toString(),
                    List.of("does not exist: run sfsync from its directory or pass --config DIR"));
        } catch (IOException e) {
            throw new InvalidConfigException(file.toString(), List.of("cannot be read: " + e));
        }
    }

    public SyncConfig parse(String yaml, String source) {
        Object tree;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            // SnakeYAML resolves anchors, aliases and merge keys (<<: *people), which make job variants short
            tree = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (YAMLException e) {
            throw new InvalidConfigException(source, List.of("is not valid YAML: " + e.getMessage().lines()
                    .collect(java.util.stream.Collectors.joining(" "))));
        }
        List<String> errors = new ArrayList<>();
        Map<String, String> origins = new LinkedHashMap<>();
        ConfigNode root = new ConfigNode("", substitute(tree, "", errors, origins), errors, origins);
        Section.Values top = ConfigKeys.Root.SECTION.read(root);
        SalesforceSettings sf = salesforce(top.get(ConfigKeys.Root.SALESFORCE));
        Map<String, JobConfig> jobs = new LinkedHashMap<>();
        ConfigNode jobsNode = top.get(ConfigKeys.Root.JOBS);
        if (jobsNode.isMissing() || jobsNode.map().isEmpty()) {
            jobsNode.error("at least one job is required");
        }
        jobsNode.map().keySet().forEach(name -> jobs.put(name, job(name, jobsNode.get(name))));
        Section.Values mgmt = top.get(ConfigKeys.Root.MANAGEMENT);
        SyncConfig.Management management = new SyncConfig.Management(mgmt.get(ConfigKeys.Management.ADMINS_ONLY));
        Section.Values al = top.get(ConfigKeys.Root.ALERTS);
        String webhook = al.get(ConfigKeys.Alerts.WEBHOOK);
        SyncConfig.Alerts alerts = new SyncConfig.Alerts(webhook == null || webhook.isBlank() ? null : webhook,
                al.get(ConfigKeys.Alerts.ERROR_THRESHOLD), al.get(ConfigKeys.Alerts.API_BUDGET_LOW_PERCENT));
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(source, errors);
        }
        return new SyncConfig(sf, jobs, management, alerts);
    }

    private static SalesforceSettings salesforce(Section.Values v) {
        SalesforceSettings.Environment environment = v.get(ConfigKeys.Salesforce.ENVIRONMENT);
        String loginUrl = v.get(ConfigKeys.Salesforce.LOGIN_URL);
        if (environment == SalesforceSettings.Environment.CUSTOM && (loginUrl == null || loginUrl.isBlank())) {
            v.node(ConfigKeys.Salesforce.LOGIN_URL).error("is required when environment is custom (My Domain or the emulator)");
        }
        return new SalesforceSettings(environment, loginUrl, v.get(ConfigKeys.Salesforce.AUTH),
                v.get(ConfigKeys.Salesforce.API_VERSION), v.get(ConfigKeys.Salesforce.DAILY_API_BUDGET),
                v.get(ConfigKeys.Salesforce.MAX_CALLS_PER_SECOND), v.get(ConfigKeys.Salesforce.MAX_CONCURRENT_CALLS));
    }

    private static JobConfig job(String name, ConfigNode n) {
        if (!name.matches("[a-z][a-z0-9_-]{0,62}")) {
            n.error("job names are lower-case letters, digits, - and _");
        }
        Section.Values v = ConfigKeys.Job.SECTION.read(n);
        String schedule = v.get(ConfigKeys.Job.SCHEDULE);
        String every = v.get(ConfigKeys.Job.EVERY);
        if (schedule != null && v.node(ConfigKeys.Job.EVERY).value() != null) {
            n.error("give either schedule (cron) or every, not both");
        }
        String cron = schedule != null ? ConfigKeys.normalizeCron(schedule) : every != null ? every : ConfigKeys.DEFAULT_CRON;
        JobConfig.Direction direction = v.get(ConfigKeys.Job.DIRECTION);
        Section.Values src = v.get(ConfigKeys.Job.SOURCE);
        if (src.isMissing() && direction != JobConfig.Direction.INBOUND) {
            src.node().error("is required (query, key, changedAt)");
        }
        if (direction == JobConfig.Direction.INBOUND) {
            outboundOnly(n);
        }
        SourceConfig source = src.isMissing() ? null : new SourceConfig(src.get(ConfigKeys.Source.QUERY),
                src.get(ConfigKeys.Source.KEY), src.get(ConfigKeys.Source.CHANGED_AT),
                src.get(ConfigKeys.Source.OVERLAP_SECONDS));
        Map<String, String> segments = new LinkedHashMap<>(ConfigKeys.DEFAULT_SEGMENTS);
        ConfigNode segmentsNode = v.get(ConfigKeys.Job.SEGMENTS);
        for (String k : segmentsNode.map().keySet()) {
            String predicate = segmentsNode.string(k, "");
            if (predicate.isBlank() && !(segmentsNode.get(k).value() instanceof Map || segmentsNode.get(k).value() instanceof List)) {
                segmentsNode.get(k).error("needs an SQL predicate over the source query's columns, e.g. \"email_status = 'valid'\"");
            } else if (!predicate.isBlank()) {
                segments.put(k, predicate);
            }
        }
        String segment = v.get(ConfigKeys.Job.SEGMENT);
        if (!segments.containsKey(segment)) {
            v.node(ConfigKeys.Job.SEGMENT).error("'" + segment + "' is not one of " + String.join("|", segments.keySet()));
        }
        String createAs = v.get(ConfigKeys.Job.CREATE_AS);
        List<String> matchIn = v.get(ConfigKeys.Job.MATCH_IN);
        List<JobConfig.MatchKey> matchBy = v.get(ConfigKeys.Job.MATCH_BY);
        String externalIdField = v.get(ConfigKeys.Job.EXTERNAL_ID_FIELD);
        if (matchBy.contains(JobConfig.MatchKey.EXTERNALID) && externalIdField == null
                && direction != JobConfig.Direction.INBOUND) {
            v.node(ConfigKeys.Job.EXTERNAL_ID_FIELD).error("is required when matchBy includes externalId");
        }
        Section.Values dup = v.get(ConfigKeys.Job.DUPLICATE_RULES);
        OwnershipConfig ownership = ownership(v.get(ConfigKeys.Job.OWNERSHIP));
        AccountsConfig accounts = accounts(v.get(ConfigKeys.Job.ACCOUNTS));
        Map<String, List<FieldRule>> fields = new LinkedHashMap<>();
        ConfigNode fieldsNode = v.get(ConfigKeys.Job.FIELDS);
        if (fieldsNode.isMissing()) {
            fieldsNode.error(direction == JobConfig.Direction.INBOUND ? "is required: map the fields of the polled objects"
                    : "is required: map at least the " + createAs + " fields");
        }
        InboundConfig inbound = inbound(direction, v.get(ConfigKeys.Job.INBOUND));
        for (String object : fieldsNode.map().keySet()) {
            boolean custom = ConfigKeys.CUSTOM_OBJECT.matcher(object).matches() && direction == JobConfig.Direction.INBOUND;
            if (!ConfigKeys.OBJECTS.contains(object) && !custom) {
                fieldsNode.get(object).error("'" + object + "' is not one of " + String.join("|", ConfigKeys.OBJECTS)
                        + (direction == JobConfig.Direction.INBOUND ? " or a custom object (Name__c)" : ""));
                continue;
            }
            if (direction == JobConfig.Direction.INBOUND && !inbound.targets().containsKey(object)) {
                fieldsNode.get(object).error("the job polls no " + object + ": add it under inbound.objects with its table");
            }
            List<FieldRule> rules = new ArrayList<>();
            ConfigNode objectNode = fieldsNode.get(object);
            for (String field : objectNode.map().keySet()) {
                if (!ConfigKeys.API_NAME.matcher(field).matches()) {
                    objectNode.get(field).error("'" + field + "' is not a Salesforce field name like Title or Sfsync_Person_Id__c");
                }
                rules.add(fieldRule(field, objectNode.get(field), direction));
            }
            fields.put(object, rules);
        }
        if (direction == JobConfig.Direction.BOTH) {
            for (Map.Entry<String, List<FieldRule>> e : fields.entrySet()) {
                boolean comesIn = e.getValue().stream().anyMatch(FieldRule::inbound);
                if (comesIn && !inbound.targets().containsKey(e.getKey()) && !inbound.targets().isEmpty()) {
                    fieldsNode.get(e.getKey()).error("has fields from Salesforce, but the job polls no " + e.getKey()
                            + ": add it under inbound.objects, or give its fields direction: to_salesforce");
                }
            }
        }
        if (direction == JobConfig.Direction.INBOUND) {
            return new JobConfig(name, cron, direction, source, segments, segment, null, createAs, matchIn, matchBy,
                    externalIdField, v.get(ConfigKeys.Job.MODE), v.get(ConfigKeys.Job.ON_AMBIGUOUS_MATCH), false, true,
                    ownership, accounts, fields, v.get(ConfigKeys.Job.BATCH_SIZE), v.get(ConfigKeys.Job.BULK_THRESHOLD),
                    v.get(ConfigKeys.Job.ROUTE), inbound, true, ActivitiesConfig.NONE);
        }
        boolean dataSync = v.get(ConfigKeys.Job.DATA_SYNC);
        ActivitiesConfig activities = activities(v.get(ConfigKeys.Job.ACTIVITIES), source);
        if (!dataSync && !activities.enabled()) {
            v.node(ConfigKeys.Job.DATA_SYNC).error("is false and the job has no activities enabled: it would do nothing"
                    + " (turn dataSync on, or enable activities)");
        }
        if (!dataSync && direction == JobConfig.Direction.BOTH) {
            v.node(ConfigKeys.Job.DATA_SYNC).error("false applies to outbound jobs; a job with direction both syncs"
                    + " its people both ways");
        }
        for (String object : matchIn) {
            if (!fields.containsKey(object) && !object.equals(createAs)) {
                fieldsNode.error("no fields for " + object + ", which matchIn updates");
            }
        }
        if (!fields.containsKey(createAs)) {
            fieldsNode.error("no fields for " + createAs + ", the createAs object");
        }
        return new JobConfig(name, cron, direction, source, segments, segment,
                v.get(ConfigKeys.Job.DO_NOT_CONTACT), createAs, matchIn, matchBy, externalIdField, v.get(ConfigKeys.Job.MODE),
                v.get(ConfigKeys.Job.ON_AMBIGUOUS_MATCH), dup.get(ConfigKeys.DuplicateRules.ALLOW_SAVE),
                v.get(ConfigKeys.Job.CONTACT_WINS_OVER_LEAD), ownership, accounts, fields, v.get(ConfigKeys.Job.BATCH_SIZE),
                v.get(ConfigKeys.Job.BULK_THRESHOLD), v.get(ConfigKeys.Job.ROUTE), inbound, dataSync, activities);
    }

    /** The job's activities, each column checked; NONE when the job has no {@code activities:} section. */
    private static ActivitiesConfig activities(Section.Values v, SourceConfig people) {
        if (v.isMissing()) {
            return ActivitiesConfig.NONE;
        }
        Section.Values src = v.get(ConfigKeys.Activities.SOURCE);
        SourceConfig source = null;
        if (src.isMissing()) {
            src.node().error("is required (query, key, changedAt): the SQL the touchpoints come from");
        } else {
            source = new SourceConfig(src.get(ConfigKeys.Source.QUERY), src.get(ConfigKeys.Source.KEY),
                    src.get(ConfigKeys.Source.CHANGED_AT), src.get(ConfigKeys.Source.OVERLAP_SECONDS));
        }
        Map<String, ActivitiesConfig.Kind> kinds = new LinkedHashMap<>(ActivitiesConfig.DEFAULT_KINDS);
        ConfigNode kindsNode = v.get(ConfigKeys.Activities.KINDS);
        for (String k : kindsNode.map().keySet()) {
            Section.Values kv = ConfigKeys.ActivityKind.SECTION.read(kindsNode.get(k));
            ActivitiesConfig.Kind known = kinds.get(k);
            String type = kv.get(ConfigKeys.ActivityKind.TYPE);
            String subtype = kv.get(ConfigKeys.ActivityKind.SUBTYPE);
            String subject = kv.get(ConfigKeys.ActivityKind.SUBJECT);
            if (known == null && type == null && subtype == null) {
                kindsNode.get(k).error("needs type or subtype: what a '" + k + "' touchpoint becomes, e.g."
                        + " {type: Other, subtype: Task, subject: \"" + k + "\"}");
            }
            kinds.put(k, new ActivitiesConfig.Kind(type != null ? type : known == null ? null : known.type(),
                    subtype != null ? subtype : known == null ? "Task" : known.subtype(),
                    subject != null ? subject : known == null ? k : known.subject()));
        }
        String changedAt = source == null ? null : source.changedAt();
        String occurredAt = v.get(ConfigKeys.Activities.OCCURRED_AT);
        return new ActivitiesConfig(v.get(ConfigKeys.Activities.ENABLED), v.get(ConfigKeys.Activities.INCLUDE_CONTENT),
                source, orDefault(v.get(ConfigKeys.Activities.PERSON), "person_id"),
                orDefault(v.get(ConfigKeys.Activities.KIND), "kind"), orDefault(v.get(ConfigKeys.Activities.SUBJECT), "subject"),
                orDefault(v.get(ConfigKeys.Activities.BODY), "body"), orDefault(occurredAt, changedAt),
                v.get(ConfigKeys.Activities.SENDER), v.get(ConfigKeys.Activities.EXTERNAL_ID_FIELD),
                v.get(ConfigKeys.Activities.EXTERNAL_ID_PREFIX),
                java.util.Collections.unmodifiableMap(kinds), v.get(ConfigKeys.Activities.BATCH_SIZE));
    }

    private static String orDefault(String value, String def) {
        return value == null || value.isEmpty() ? def : value;
    }

    /** Settings an inbound job has no use for: given, they are refused rather than ignored. */
    private static final List<String> OUTBOUND_ONLY = List.of("segments", "segment", "doNotContact", "createAs",
            "matchIn", "matchBy", "mode", "onAmbiguousMatch", "duplicateRules", "ownership", "accounts",
            "contactWinsOverLead", "bulkThreshold", "batchSize", "dataSync", "activities");

    private static void outboundOnly(ConfigNode job) {
        for (String key : OUTBOUND_ONLY) {
            if (!job.get(key).isMissing()) {
                job.get(key).error("applies to jobs that send to Salesforce; this job's direction is inbound (use both)");
            }
        }
    }

    private static InboundConfig inbound(JobConfig.Direction direction, Section.Values v) {
        if (direction == JobConfig.Direction.OUTBOUND) {
            if (!v.isMissing()) {
                v.node().error("is for jobs with direction inbound or both; this job is outbound");
            }
            return InboundConfig.NONE;
        }
        if (v.isMissing()) {
            v.node().error("is required for direction " + direction.name().toLowerCase(Locale.ROOT)
                    + ": the objects polled and the tables they go to");
            return InboundConfig.NONE;
        }
        ConfigNode objectsNode = v.get(ConfigKeys.Inbound.OBJECTS);
        if (objectsNode.isMissing() || objectsNode.map().isEmpty()) {
            objectsNode.error("is required: at least one object, e.g. Contact: {table: person, key: id}");
        }
        Map<String, InboundConfig.Target> targets = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(objectsNode.map().keySet());
        // companies before people, so a Contact's Account has its row when the Contact is applied
        order.sort(java.util.Comparator.comparingInt(o -> o.equals("Account") ? 0 : 1));
        for (String object : order) {
            ConfigNode on = objectsNode.get(object);
            if (!ConfigKeys.OBJECTS.contains(object) && !ConfigKeys.CUSTOM_OBJECT.matcher(object).matches()) {
                on.error("'" + object + "' is not one of " + String.join("|", ConfigKeys.OBJECTS)
                        + " or a custom object (Name__c)");
                continue;
            }
            Section.Values t = ConfigKeys.InboundObject.SECTION.read(on);
            String table = t.get(ConfigKeys.InboundObject.TABLE);
            if (table == null) {
                t.node(ConfigKeys.InboundObject.TABLE).error("is required: the table " + object + " records go to");
            }
            String accountColumn = t.get(ConfigKeys.InboundObject.ACCOUNT_COLUMN);
            if (accountColumn != null && !object.equals("Contact")) {
                t.node(ConfigKeys.InboundObject.ACCOUNT_COLUMN).error("only Contacts have an Account");
            }
            if (accountColumn != null && !objectsNode.map().containsKey("Account")) {
                t.node(ConfigKeys.InboundObject.ACCOUNT_COLUMN).error("needs Account under inbound.objects: the table"
                        + " whose rows the column points to");
            }
            if (t.get(ConfigKeys.InboundObject.NEW_ROWS) == InboundConfig.NewRows.INSERT
                    && t.get(ConfigKeys.InboundObject.NEW_KEY) == null) {
                t.node(ConfigKeys.InboundObject.NEW_KEY).error("is required when newRows is insert (the default): the key"
                        + " of a row inserted for a new record (sequence:<name> or field:<Field>), or set newRows: skip");
            }
            targets.put(object, new InboundConfig.Target(object, table, t.get(ConfigKeys.InboundObject.KEY),
                    t.get(ConfigKeys.InboundObject.CHANGED_AT), columnMap(t.get(ConfigKeys.InboundObject.COLUMNS), false),
                    t.get(ConfigKeys.InboundObject.NEW_ROWS), trimmed(t.get(ConfigKeys.InboundObject.NEW_KEY)),
                    columnMap(t.get(ConfigKeys.InboundObject.MATCH_ON), true), accountColumn));
        }
        InboundConfig.OnDelete onDelete = v.get(ConfigKeys.Inbound.ON_DELETE);
        String deletedFlag = v.get(ConfigKeys.Inbound.DELETED_FLAG);
        if (onDelete == InboundConfig.OnDelete.FLAG && deletedFlag == null) {
            v.node(ConfigKeys.Inbound.DELETED_FLAG).error("is required when onDelete is flag (a boolean column)");
        }
        return new InboundConfig(targets, onDelete, deletedFlag, v.get(ConfigKeys.Inbound.ON_CONFLICT),
                v.get(ConfigKeys.Inbound.ADDRESS_FROM), v.get(ConfigKeys.Inbound.ADDRESS_INCOMPLETE_FLAG),
                v.get(ConfigKeys.Inbound.PAGE_SIZE), v.get(ConfigKeys.Inbound.SETTLE_SECONDS),
                v.get(ConfigKeys.Inbound.BULK_FIRST_LOAD));
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    /** name → column entries, each column checked (it goes into SQL unquoted); keys are Salesforce fields or columns. */
    private static Map<String, String> columnMap(ConfigNode n, boolean keysAreFields) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : n.map().keySet()) {
            String col = n.string(k, null);
            if (col == null || !col.trim().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                n.get(k).error("'" + col + "' is not a column name (letters, digits and _)");
            } else if (keysAreFields && !ConfigKeys.API_NAME.matcher(k).matches()) {
                n.get(k).error("'" + k + "' is not a Salesforce field name");
            } else {
                out.put(k, col.trim());
            }
        }
        return out;
    }

    private static OwnershipConfig ownership(Section.Values v) {
        String fallback = v.get(ConfigKeys.Ownership.FALLBACK).trim();
        String lower = fallback.toLowerCase(Locale.ROOT);
        OwnershipConfig.Fallback kind = OwnershipConfig.Fallback.ASSIGNMENT_RULES;
        String target = null;
        if (lower.equals("none")) {
            kind = OwnershipConfig.Fallback.NONE;
        } else if (lower.startsWith("user:") && fallback.length() > 5) {
            kind = OwnershipConfig.Fallback.USER;
            target = fallback.substring(5).trim();
        } else if (lower.startsWith("queue:") && fallback.length() > 6) {
            kind = OwnershipConfig.Fallback.QUEUE;
            target = fallback.substring(6).trim();
        }
        return new OwnershipConfig(v.get(ConfigKeys.Ownership.OWNER_FROM), kind, target,
                v.get(ConfigKeys.Ownership.UPDATE_REGARDLESS));
    }

    private static AccountsConfig accounts(Section.Values v) {
        List<String> matchBy = v.get(ConfigKeys.Accounts.MATCH_BY);
        boolean enabled = !v.isMissing();
        String domain = v.get(ConfigKeys.Accounts.DOMAIN_FROM);
        String name = v.get(ConfigKeys.Accounts.NAME_FROM);
        if (enabled && matchBy.contains("domain") && domain == null) {
            v.node(ConfigKeys.Accounts.DOMAIN_FROM)
                    .error("is required to match accounts by domain (a column with the company's domain or website)");
        }
        if (enabled && matchBy.contains("name") && name == null) {
            v.node(ConfigKeys.Accounts.NAME_FROM).error("is required to match accounts by name (a column with the company's name)");
        }
        return new AccountsConfig(enabled, matchBy, domain, name, v.get(ConfigKeys.Accounts.CREATE),
                v.get(ConfigKeys.Accounts.UPDATE), v.get(ConfigKeys.Accounts.ASSOCIATE_CONTACTS),
                v.get(ConfigKeys.Accounts.OVERRIDE_EXISTING));
    }

    private static FieldRule fieldRule(String field, ConfigNode n, JobConfig.Direction jobDirection) {
        Section.Values v = ConfigKeys.Field.SECTION.read(n);
        String from = v.get(ConfigKeys.Field.FROM);
        String value = v.get(ConfigKeys.Field.VALUE);
        // a constant only goes to Salesforce; a column goes the job's way
        FieldRule.Direction direction = value != null && from == null ? FieldRule.Direction.TO_SALESFORCE
                : switch (jobDirection) {
                    case OUTBOUND -> FieldRule.Direction.TO_SALESFORCE;
                    case INBOUND -> FieldRule.Direction.FROM_SALESFORCE;
                    case BOTH -> FieldRule.Direction.BOTH;
                };
        if (v.node(ConfigKeys.Field.DIRECTION).value() != null) {
            direction = v.get(ConfigKeys.Field.DIRECTION);
            if (jobDirection == JobConfig.Direction.OUTBOUND && direction != FieldRule.Direction.TO_SALESFORCE) {
                v.node(ConfigKeys.Field.DIRECTION).error(direction.name().toLowerCase(Locale.ROOT)
                        + " needs a job whose direction is inbound or both; this job is outbound");
            }
            if (jobDirection == JobConfig.Direction.INBOUND && direction != FieldRule.Direction.FROM_SALESFORCE) {
                v.node(ConfigKeys.Field.DIRECTION).error(direction.name().toLowerCase(Locale.ROOT)
                        + " needs a job whose direction is outbound or both; this job is inbound");
            }
        }
        if (direction != FieldRule.Direction.TO_SALESFORCE && value != null) {
            n.error("a constant (value) cannot flow from Salesforce: give from (the column Salesforce's value goes to)"
                    + " or direction to_salesforce");
        }
        if (v.node(ConfigKeys.Field.MERGE).value() != null && direction != FieldRule.Direction.BOTH) {
            v.node(ConfigKeys.Field.MERGE).error("applies to fields synced both ways; this one is "
                    + direction.name().toLowerCase(Locale.ROOT));
        }
        if (from == null && value == null) {
            n.error("needs from (a source column) or value (a constant)");
        }
        if (from != null && value != null) {
            n.error("give from or value, not both");
        }
        FieldRule.Overwrite overwrite = v.get(ConfigKeys.Field.OVERWRITE);
        FieldRule.Condition when = condition(v.get(ConfigKeys.Field.WHEN));
        if (overwrite == FieldRule.Overwrite.WHEN && when == null) {
            v.node(ConfigKeys.Field.WHEN).error("is required when overwrite is when");
        }
        Map<String, String> picklist = new LinkedHashMap<>();
        ConfigNode picklistNode = v.get(ConfigKeys.Field.PICKLIST);
        for (String k : picklistNode.map().keySet()) {
            if (picklistNode.get(k).isMissing()) {
                picklistNode.get(k).error("needs the Salesforce picklist value that '" + k + "' becomes");
            } else {
                String p = picklistNode.string(k, null); // a list or a mapping is reported by string()
                if (p != null) {
                    picklist.put(k, p);
                }
            }
        }
        return new FieldRule(field, from, value, v.get(ConfigKeys.Field.DEFAULT), v.get(ConfigKeys.Field.TRANSFORM),
                overwrite, when, picklist, v.get(ConfigKeys.Field.ON_INVALID), direction, v.get(ConfigKeys.Field.MERGE));
    }

    /** A {@code when:} condition, or null when there is none or it is malformed (the definition reports that). */
    private static FieldRule.Condition condition(String text) {
        Matcher m = text == null ? null : ConfigKeys.CONDITION.matcher(text);
        if (m == null || !m.matches()) {
            return null;
        }
        String op = m.group(2).toLowerCase(Locale.ROOT);
        String rest = m.group(3).trim();
        List<String> values = new ArrayList<>();
        if (op.endsWith("in")) {
            String inner = rest.startsWith("[") && rest.endsWith("]") ? rest.substring(1, rest.length() - 1) : rest;
            for (String s : inner.split(",")) {
                if (!s.isBlank()) {
                    values.add(s.trim());
                }
            }
        } else if (!op.startsWith("is")) {
            values.add(rest);
        }
        return new FieldRule.Condition(m.group(1), op, values);
    }

    /** The predicate of a built-in segment (valid, valid_and_risky, found_phones, all), or null. */
    public static String defaultSegment(String name) {
        return ConfigKeys.DEFAULT_SEGMENTS.get(name);
    }

    /**
     * Resolves {@code {{env:…}}} in every text value. The result stays text; the typed readers turn it into a
     * number or a boolean where the setting is one. {@code origins} keeps, per path, the placeholder text a
     * value came from, for the error message when the resolved value is wrong.
     */
    private Object substitute(Object node, String path, List<String> errors, Map<String, String> origins) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                out.put(key, substitute(v, path.isEmpty() ? key : path + "." + key, errors, origins));
            });
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(substitute(l.get(i), path + "[" + i + "]", errors, origins));
            }
            return out;
        }
        if (node instanceof String s && EnvPlaceholders.contains(s)) {
            origins.put(path, s);
            return placeholders.resolve(s, path, errors);
        }
        return node;
    }
}
