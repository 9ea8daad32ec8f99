package io.sfsync.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

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
    static final Map<String, String> DEFAULT_SEGMENTS = Map.of(
            "valid", "email_status = 'valid'",
            "valid_and_risky", "email_status IN ('valid', 'risky')",
            "found_phones", "phone IS NOT NULL AND phone <> ''",
            "all", "1 = 1");
    private static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");
    private static final Pattern EVERY = Pattern.compile("(\\d+)\\s*([smh])");
    private static final Pattern CONDITION = Pattern.compile(
            "^\\s*([A-Za-z0-9_]+)\\s+(in|not in|=|!=|is blank|is not blank)\\s*(.*)$", Pattern.CASE_INSENSITIVE);

    private final UnaryOperator<String> env;

    public SyncConfigLoader() {
        this(System::getenv);
    }

    public SyncConfigLoader(UnaryOperator<String> env) {
        this.env = env;
    }

    /** Thrown with every problem found, one per line. */
    public static final class InvalidConfigException extends RuntimeException {
        private final List<String> problems;

        public InvalidConfigException(String source, List<String> problems) {
            super(source + " has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":\n  "
                    + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public SyncConfig load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new InvalidConfigException(file.toString(), List.of("cannot be read: " + e.getMessage()));
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
        ConfigNode root = new ConfigNode("", substitute(tree, errors), errors);
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
        if (webhook != null && !webhook.isBlank() && !webhook.matches("https?://.+")) {
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
        if (loginUrl != null && !loginUrl.isBlank() && !loginUrl.matches("https?://.+")) {
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
            n.get("dailyApiBudget").error("'" + budget + "' is not a share like 50%");
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
        SourceConfig source = new SourceConfig(src.requiredString("query"), src.requiredString("key"),
                src.requiredString("changedAt"), src.integer("overlapSeconds", DEFAULT_OVERLAP_SECONDS, 0, 86_400));
        Map<String, String> segments = new LinkedHashMap<>(DEFAULT_SEGMENTS);
        n.get("segments").map().forEach((k, v) -> segments.put(k, String.valueOf(v)));
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
            objectNode.map().keySet().forEach(field -> rules.add(fieldRule(field, objectNode.get(field))));
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
        return new JobConfig(name, cron, direction, source, segments, segment, n.string("doNotContact", null), createAs,
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
            if (schedule.trim().split("\\s+").length < 6) {
                n.get("schedule").error("'" + schedule + "' is not a Quartz cron expression (6 or 7 fields, e.g. \"0 0/10 * * * ?\")");
            }
            return schedule.trim();
        }
        if (every == null) {
            return "0 0/10 * * * ?";
        }
        Matcher m = EVERY.matcher(every.trim());
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
            n.get("every").error("'" + every + "' is not a period like 1m, 5m, 10m, 1h");
            return "0 0/10 * * * ?";
        }
        int v = Integer.parseInt(m.group(1));
        return switch (m.group(2)) {
            case "s" -> "0/" + Math.min(v, 59) + " * * * * ?";
            case "m" -> "0 0/" + Math.min(v, 59) + " * * * ?";
            default -> "0 0 0/" + Math.min(v, 23) + " * * ?";
        };
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
        return new OwnershipConfig(n.string("ownerFrom", null), kind, target, n.bool("updateRegardlessOfOwnership", false));
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
        String domain = n.string("domainFrom", null);
        String name = n.string("nameFrom", null);
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
            if (!TRANSFORMS.contains(t) && !t.startsWith("simple:") && !t.startsWith("bean:")) {
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
        n.get("picklist").map().forEach((k, v) -> picklist.put(k, String.valueOf(v)));
        FieldRule.OnInvalid onInvalid = n.enumValue("onInvalid", FieldRule.OnInvalid.class, FieldRule.OnInvalid.ERROR);
        return new FieldRule(field, from, value, n.string("default", null), transforms, overwrite, when, picklist,
                onInvalid);
    }

    private Object substitute(Object node, List<String> errors) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), substitute(v, errors)));
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(substitute(v, errors)));
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
                    errors.add("environment variable " + m.group(1) + " is not set (used in '" + s + "')");
                    v = "";
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            m.appendTail(sb);
            return sb.toString();
        }
        return node;
    }
}
