package io.sfsync.config;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quartz.CronExpression;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import io.sfsync.mapping.FieldTransform;

/**
 * Reads config/sync.yaml into {@link SyncConfig}, checking every setting in one pass and reporting
 * every problem with its path. {@code {{env:NAME}}} and {@code {{env:NAME:default}}} in values come from
 * the environment (Camel's placeholder syntax), so the file never holds secrets or per-machine URLs.
 */
public final class SyncConfigLoader {
    public static final List<String> TRANSFORMS = List.of("trim", "lowercase", "uppercase", "titlecase", "digits",
            "e164", "first_name", "last_name", "domain", "truncate");
    /**
     * How far behind its watermark a run reads again: a row whose transaction committed after rows
     * with later changedAt values had been read would otherwise be passed over for good.
     */
    static final int DEFAULT_OVERLAP_SECONDS = 60;
    static final Map<String, String> DEFAULT_SEGMENTS = orderedMap(
            "valid", "email_status = 'valid'",
            "valid_and_risky", "email_status IN ('valid', 'risky')",
            "found_phones", "phone IS NOT NULL AND phone <> ''",
            "all", "1 = 1");
    private static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");
    /**
     * The periods {@code every:} takes, each with its cron. Only periods that divide the hour evenly: Quartz's
     * {@code 0/7} restarts at each full hour, so "every 7m" would not be every 7 minutes. Anything else is a
     * {@code schedule:} cron.
     */
    static final Map<String, String> EVERY = orderedMap(
            "1m", "0 0/1 * * * ?",
            "5m", "0 0/5 * * * ?",
            "10m", "0 0/10 * * * ?",
            "15m", "0 0/15 * * * ?",
            "1h", "0 0 0/1 * * ?");
    static final String DEFAULT_CRON = EVERY.get("10m");
    /** Column names go into the SQL around the job's query unquoted, so they must be plain identifiers. */
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Salesforce API names (Title, Sfsync_Person_Id__c): they go into URLs and SOQL. */
    private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern CONDITION = Pattern.compile(
            "^\\s*([A-Za-z0-9_]+)\\s+(in|not in|=|!=|is blank|is not blank)\\s*(.*)$", Pattern.CASE_INSENSITIVE);

    private final UnaryOperator<String> env;

    public SyncConfigLoader() {
        this(System::getenv);
    }

    public SyncConfigLoader(UnaryOperator<String> env) {
        this.env = env;
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
        root.allowOnly(Set.of("salesforce", "jobs", "management", "alerts"));
        SalesforceSettings sf = salesforce(root.get("salesforce"));
        Map<String, JobConfig> jobs = new LinkedHashMap<>();
        ConfigNode jobsNode = root.get("jobs");
        if (jobsNode.isMissing() || jobsNode.map().isEmpty()) {
            jobsNode.error("at least one job is required");
        }
        jobsNode.map().keySet().forEach(name -> jobs.put(name, job(name, jobsNode.get(name))));
        ConfigNode mgmt = root.get("management");
        mgmt.allowOnly(Set.of("adminsOnly"));
        SyncConfig.Management management = new SyncConfig.Management(mgmt.bool("adminsOnly", false));
        ConfigNode al = root.get("alerts");
        al.allowOnly(Set.of("webhook", "errorThreshold", "apiBudgetLowPercent"));
        String webhook = al.string("webhook", null);
        if (webhook != null && !webhook.isBlank() && !isHttpUrl(webhook)) {
            al.get("webhook").error("'" + webhook + "' is not an http(s) URL");
        }
        SyncConfig.Alerts alerts = new SyncConfig.Alerts(webhook == null || webhook.isBlank() ? null : webhook,
                al.integer("errorThreshold", 0, 0, 1_000_000), al.integer("apiBudgetLowPercent", 10, 0, 100));
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(source, errors);
        }
        return new SyncConfig(sf, jobs, management, alerts);
    }

    private SalesforceSettings salesforce(ConfigNode n) {
        n.allowOnly(Set.of("environment", "loginUrl", "auth", "apiVersion", "dailyApiBudget", "maxCallsPerSecond"));
        SalesforceSettings.Environment environment = n.enumValue("environment", SalesforceSettings.Environment.class,
                SalesforceSettings.Environment.PRODUCTION);
        String loginUrl = n.string("loginUrl", null);
        if (environment == SalesforceSettings.Environment.CUSTOM && (loginUrl == null || loginUrl.isBlank())) {
            n.get("loginUrl").error("is required when environment is custom (My Domain or the emulator)");
        }
        if (loginUrl != null && !loginUrl.isBlank() && !isHttpUrl(loginUrl)) {
            n.get("loginUrl").error("'" + loginUrl + "' is not an http(s) URL");
        }
        SalesforceSettings.AuthType auth = n.enumValue("auth", SalesforceSettings.AuthType.class,
                SalesforceSettings.AuthType.CLIENT_CREDENTIALS);
        String apiVersion = n.string("apiVersion", "62.0");
        if (!apiVersion.matches("\\d{2}\\.0")) {
            n.get("apiVersion").error("'" + apiVersion + "' is not an API version like 62.0");
        }
        String budget = n.string("dailyApiBudget", "50%");
        int percent = 50;
        Matcher m = Pattern.compile("^(\\d{1,3})\\s*%$").matcher(budget.trim());
        if (m.matches() && Integer.parseInt(m.group(1)) >= 1 && Integer.parseInt(m.group(1)) <= 100) {
            percent = Integer.parseInt(m.group(1));
        } else {
            ConfigNode b = n.get("dailyApiBudget");
            b.error("'" + budget + "' is not a share like 50%" + b.origin());
        }
        int rate = n.integer("maxCallsPerSecond", 0, 0, 1000);
        return new SalesforceSettings(environment, loginUrl, auth, apiVersion, percent, rate);
    }

    private JobConfig job(String name, ConfigNode n) {
        n.allowOnly(Set.of("schedule", "every", "direction", "source", "segments", "segment", "doNotContact", "createAs",
                "matchIn", "matchBy", "externalIdField", "mode", "onAmbiguousMatch", "duplicateRules",
                "contactWinsOverLead", "ownership", "accounts", "fields", "batchSize", "bulkThreshold", "activities"));
        if (!name.matches("[a-z][a-z0-9_-]{0,62}")) {
            n.error("job names are lower-case letters, digits, - and _");
        }
        String cron = cron(n);
        JobConfig.Direction direction = n.enumValue("direction", JobConfig.Direction.class, JobConfig.Direction.OUTBOUND);
        ConfigNode src = n.get("source");
        src.allowOnly(Set.of("query", "key", "changedAt", "overlapSeconds"));
        if (src.isMissing()) {
            src.error("is required (query, key, changedAt)");
        }
        SourceConfig source = new SourceConfig(src.requiredString("query"), column(src, "key", true),
                column(src, "changedAt", true), src.integer("overlapSeconds", DEFAULT_OVERLAP_SECONDS, 0, 86_400));
        Map<String, String> segments = new LinkedHashMap<>(DEFAULT_SEGMENTS);
        ConfigNode segmentsNode = n.get("segments");
        for (String k : segmentsNode.map().keySet()) {
            String predicate = segmentsNode.string(k, "");
            if (predicate.isBlank() && !(segmentsNode.get(k).value() instanceof Map || segmentsNode.get(k).value() instanceof List)) {
                segmentsNode.get(k).error("needs an SQL predicate over the source query's columns, e.g. \"email_status = 'valid'\"");
            } else if (!predicate.isBlank()) {
                segments.put(k, predicate);
            }
        }
        String segment = n.string("segment", "all");
        if (!segments.containsKey(segment)) {
            n.get("segment").error("'" + segment + "' is not one of " + String.join("|", segments.keySet()));
        }
        String createAs = objectName(n, "createAs", "Lead", List.of("Lead", "Contact"));
        List<String> matchIn = n.stringList("matchIn", List.of("Contact", "Lead"));
        for (int i = 0; i < matchIn.size(); i++) {
            if (!List.of("Lead", "Contact").contains(matchIn.get(i))) {
                n.get("matchIn").error("'" + matchIn.get(i) + "' is not one of Lead|Contact");
            }
        }
        List<JobConfig.MatchKey> matchBy = new ArrayList<>();
        for (String k : n.stringList("matchBy", List.of("link", "externalId", "email"))) {
            try {
                matchBy.add(JobConfig.MatchKey.valueOf(k.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                n.get("matchBy").error("'" + k + "' is not one of link|externalId|email");
            }
        }
        String externalIdField = n.string("externalIdField", null);
        if (externalIdField != null && !API_NAME.matcher(externalIdField).matches()) {
            n.get("externalIdField").error("'" + externalIdField + "' is not a Salesforce field name like Sfsync_Person_Id__c");
        }
        if (matchBy.contains(JobConfig.MatchKey.EXTERNALID) && externalIdField == null) {
            n.get("externalIdField").error("is required when matchBy includes externalId");
        }
        JobConfig.Mode mode = n.enumValue("mode", JobConfig.Mode.class, JobConfig.Mode.CREATE_AND_UPDATE);
        JobConfig.AmbiguousPolicy ambiguous = n.enumValue("onAmbiguousMatch", JobConfig.AmbiguousPolicy.class,
                JobConfig.AmbiguousPolicy.REPORT);
        ConfigNode dup = n.get("duplicateRules");
        dup.allowOnly(Set.of("allowSave"));
        boolean allowSave = dup.bool("allowSave", false);
        OwnershipConfig ownership = ownership(n.get("ownership"));
        AccountsConfig accounts = accounts(n.get("accounts"));
        Map<String, List<FieldRule>> fields = new LinkedHashMap<>();
        ConfigNode fieldsNode = n.get("fields");
        if (fieldsNode.isMissing()) {
            fieldsNode.error("is required: map at least the " + createAs + " fields");
        }
        for (String object : fieldsNode.map().keySet()) {
            if (!List.of("Lead", "Contact", "Account").contains(object)) {
                fieldsNode.get(object).error("'" + object + "' is not one of Lead|Contact|Account");
                continue;
            }
            List<FieldRule> rules = new ArrayList<>();
            ConfigNode objectNode = fieldsNode.get(object);
            for (String field : objectNode.map().keySet()) {
                if (!API_NAME.matcher(field).matches()) {
                    objectNode.get(field).error("'" + field + "' is not a Salesforce field name like Title or Sfsync_Person_Id__c");
                }
                rules.add(fieldRule(field, objectNode.get(field)));
            }
            fields.put(object, rules);
        }
        for (String object : matchIn) {
            if (!fields.containsKey(object) && !object.equals(createAs)) {
                fieldsNode.error("no fields for " + object + ", which matchIn updates");
            }
        }
        if (!fields.containsKey(createAs)) {
            fieldsNode.error("no fields for " + createAs + ", the createAs object");
        }
        int batchSize = n.integer("batchSize", 1000, 1, 10_000);
        int bulkThreshold = n.integer("bulkThreshold", 2000, 1, 10_000_000);
        boolean contactWins = n.bool("contactWinsOverLead", true);
        return new JobConfig(name, cron, direction, source, segments, segment, column(n, "doNotContact", false), createAs,
                matchIn, matchBy, externalIdField, mode, ambiguous, allowSave, contactWins, ownership, accounts, fields,
                batchSize, bulkThreshold);
    }

    private static String objectName(ConfigNode n, String key, String def, List<String> allowed) {
        String v = n.string(key, def);
        if (!allowed.contains(v)) {
            n.get(key).error("'" + v + "' is not one of " + String.join("|", allowed));
        }
        return v;
    }

    private static String cron(ConfigNode n) {
        String schedule = n.string("schedule", null);
        String every = n.string("every", null);
        if (schedule != null && every != null) {
            n.error("give either schedule (cron) or every, not both");
        }
        if (schedule != null) {
            return quartzCron(n.get("schedule"), schedule);
        }
        if (every == null) {
            return DEFAULT_CRON;
        }
        String cron = EVERY.get(every.replaceAll("\\s+", "").toLowerCase(Locale.ROOT));
        if (cron == null) {
            ConfigNode e = n.get("every");
            e.error("'" + every + "' is not one of " + String.join("|", EVERY.keySet()) + e.origin()
                    + "; for any other period give schedule: with a Quartz cron instead, e.g. schedule: \"0 0/30 * * * ?\""
                    + " (every 30 minutes)");
            return DEFAULT_CRON;
        }
        return cron;
    }

    /**
     * A cron as Quartz will read it: checked by Quartz's own parser (field count, value ranges such as hour
     * 0-23, names) and for having a next fire time, so a bad one fails here with its path and not when the
     * schedule starts.
     */
    private static String quartzCron(ConfigNode n, String schedule) {
        String cron = schedule.trim().replaceAll("\\s+", " ");
        int fields = cron.isEmpty() ? 0 : cron.split(" ").length;
        if (fields < 6 || fields > 7) {
            n.error("'" + schedule + "' is not a Quartz cron expression: it has " + fields + " field"
                    + (fields == 1 ? "" : "s") + ", Quartz takes 6 or 7 (second minute hour day-of-month month day-of-week"
                    + " [year]), e.g. \"0 0/10 * * * ?\"" + n.origin());
            return DEFAULT_CRON;
        }
        try {
            if (new CronExpression(cron).getNextValidTimeAfter(new Date()) == null) {
                n.error("'" + schedule + "' never fires: no time from now on matches it" + n.origin());
                return DEFAULT_CRON;
            }
        } catch (ParseException e) {
            n.error("'" + schedule + "' is not a valid Quartz cron expression: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("day-of-week AND a day-of-month")
                            ? " (put ? in one of them)" : "") + n.origin());
            return DEFAULT_CRON;
        }
        return cron;
    }

    /** A column the engine names in its SQL: a plain identifier, or null when not given (and not required). */
    private static String column(ConfigNode n, String key, boolean required) {
        String c = required ? n.requiredString(key) : n.string(key, null);
        if (c != null && !c.isBlank() && !COLUMN.matcher(c.trim()).matches()) {
            n.get(key).error("'" + c + "' is not a column name of the source query (letters, digits and _)");
        }
        return c == null ? null : c.trim();
    }

    private static OwnershipConfig ownership(ConfigNode n) {
        n.allowOnly(Set.of("ownerFrom", "fallback", "updateRegardlessOfOwnership"));
        String fallback = n.string("fallback", "assignment_rules").trim();
        OwnershipConfig.Fallback kind;
        String target = null;
        if (fallback.equalsIgnoreCase("assignment_rules")) {
            kind = OwnershipConfig.Fallback.ASSIGNMENT_RULES;
        } else if (fallback.equalsIgnoreCase("none")) {
            kind = OwnershipConfig.Fallback.NONE;
        } else if (fallback.toLowerCase(Locale.ROOT).startsWith("user:") && fallback.length() > 5) {
            kind = OwnershipConfig.Fallback.USER;
            target = fallback.substring(5).trim();
        } else if (fallback.toLowerCase(Locale.ROOT).startsWith("queue:") && fallback.length() > 6) {
            kind = OwnershipConfig.Fallback.QUEUE;
            target = fallback.substring(6).trim();
        } else {
            n.get("fallback").error("'" + fallback + "' is not one of assignment_rules|user:<email or Id>|queue:<name or Id>|none");
            kind = OwnershipConfig.Fallback.ASSIGNMENT_RULES;
        }
        return new OwnershipConfig(column(n, "ownerFrom", false), kind, target, n.bool("updateRegardlessOfOwnership", false));
    }

    private static AccountsConfig accounts(ConfigNode n) {
        n.allowOnly(Set.of("matchBy", "domainFrom", "nameFrom", "create", "update", "associateContacts",
                "overrideExistingAssociation"));
        List<String> matchBy = n.stringList("matchBy", List.of("domain", "name"));
        for (String m : matchBy) {
            if (!m.equals("domain") && !m.equals("name")) {
                n.get("matchBy").error("'" + m + "' is not one of domain|name");
            }
        }
        boolean enabled = !n.isMissing();
        String domain = column(n, "domainFrom", false);
        String name = column(n, "nameFrom", false);
        if (enabled && matchBy.contains("domain") && domain == null) {
            n.get("domainFrom").error("is required to match accounts by domain (a column with the company's domain or website)");
        }
        if (enabled && matchBy.contains("name") && name == null) {
            n.get("nameFrom").error("is required to match accounts by name (a column with the company's name)");
        }
        return new AccountsConfig(enabled, matchBy, domain, name, n.bool("create", true), n.bool("update", false),
                n.bool("associateContacts", true), n.bool("overrideExistingAssociation", false));
    }

    private static FieldRule fieldRule(String field, ConfigNode n) {
        n.allowOnly(Set.of("from", "value", "default", "transform", "overwrite", "when", "picklist", "onInvalid"));
        String from = n.string("from", null);
        String value = n.string("value", null);
        if (from == null && value == null) {
            n.error("needs from (a source column) or value (a constant)");
        }
        if (from != null && value != null) {
            n.error("give from or value, not both");
        }
        List<String> transforms = n.stringList("transform", List.of());
        for (String t : transforms) {
            if (t.startsWith("bean:")) {
                String problem = beanProblem(t.substring("bean:".length()).trim());
                if (problem != null) {
                    n.get("transform").error(problem);
                }
            } else if (!TRANSFORMS.contains(t) && !t.startsWith("simple:")) {
                n.get("transform").error("'" + t + "' is not one of " + String.join("|", TRANSFORMS)
                        + "|simple:<expression>|bean:<class>");
            }
        }
        FieldRule.Overwrite overwrite = n.enumValue("overwrite", FieldRule.Overwrite.class, FieldRule.Overwrite.ALWAYS);
        FieldRule.Condition when = null;
        String whenText = n.string("when", null);
        if (whenText != null) {
            Matcher m = CONDITION.matcher(whenText);
            if (!m.matches()) {
                n.get("when").error("'" + whenText + "' is not a condition like \"Status in [Open - Not Contacted]\","
                        + " \"Rating != Hot\" or \"Title is blank\"");
            } else {
                String op = m.group(2).toLowerCase(Locale.ROOT);
                String rest = m.group(3).trim();
                List<String> values = new ArrayList<>();
                if (op.endsWith("in")) {
                    String inner = rest.startsWith("[") && rest.endsWith("]") ? rest.substring(1, rest.length() - 1) : rest;
                    for (String v : inner.split(",")) {
                        if (!v.isBlank()) {
                            values.add(v.trim());
                        }
                    }
                } else if (!op.startsWith("is")) {
                    values.add(rest);
                }
                when = new FieldRule.Condition(m.group(1), op, values);
            }
        }
        if (overwrite == FieldRule.Overwrite.WHEN && when == null) {
            n.get("when").error("is required when overwrite is when");
        }
        Map<String, String> picklist = new LinkedHashMap<>();
        ConfigNode picklistNode = n.get("picklist");
        for (String k : picklistNode.map().keySet()) {
            if (picklistNode.get(k).isMissing()) {
                picklistNode.get(k).error("needs the Salesforce picklist value that '" + k + "' becomes");
            } else {
                String v = picklistNode.string(k, null); // a list or a mapping is reported by string()
                if (v != null) {
                    picklist.put(k, v);
                }
            }
        }
        FieldRule.OnInvalid onInvalid = n.enumValue("onInvalid", FieldRule.OnInvalid.class, FieldRule.OnInvalid.ERROR);
        return new FieldRule(field, from, value, n.string("default", null), transforms, overwrite, when, picklist,
                onInvalid);
    }

    /** The predicate of a built-in segment (valid, valid_and_risky, found_phones, all), or null. */
    public static String defaultSegment(String name) {
        return DEFAULT_SEGMENTS.get(name);
    }

    /**
     * A {@code bean:} transform's class must exist and be usable as the mapping will use it: a public,
     * concrete {@link FieldTransform} with a public no-argument constructor. Checked without initialising it.
     */
    private static String beanProblem(String className) {
        if (className.isEmpty()) {
            return "bean: needs a class name, e.g. bean:com.example.MyTransform";
        }
        Class<?> c;
        try {
            c = Class.forName(className, false, SyncConfigLoader.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "bean class " + className + " is not on sfsync's classpath (a nested class is written Outer$Inner)";
        }
        if (!FieldTransform.class.isAssignableFrom(c)) {
            return "bean class " + className + " does not implement " + FieldTransform.class.getName();
        }
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
            return "bean class " + className + " must be a public, non-abstract class";
        }
        try {
            c.getConstructor();
        } catch (NoSuchMethodException e) {
            return "bean class " + className + " has no public no-argument constructor";
        }
        return null;
    }

    /** An absolute http(s) URL with a host (java.net.URI's parse, not a pattern). */
    private static boolean isHttpUrl(String s) {
        try {
            java.net.URI u = new java.net.URI(s.trim());
            return u.getScheme() != null && (u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                    // a host that is not a DNS name (docker_service_1) is still an authority
                    && (u.getHost() != null || (u.getRawAuthority() != null && !u.getRawAuthority().isBlank()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
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
        if (node instanceof String s && s.contains("{{env:")) {
            Matcher m = ENV.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = env.apply(m.group(1));
                if (v == null) {
                    v = m.group(2);
                }
                if (v == null) {
                    errors.add((path.isEmpty() ? "" : path + ": ") + "environment variable " + m.group(1)
                            + " is not set (used in '" + s + "'; set it, or give a default: {{env:" + m.group(1) + ":value}})");
                    v = "";
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            m.appendTail(sb);
            origins.put(path, s);
            return sb.toString();
        }
        return node;
    }
}
