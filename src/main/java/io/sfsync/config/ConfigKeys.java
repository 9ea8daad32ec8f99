package io.sfsync.config;

import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quartz.CronExpression;

import io.sfsync.mapping.FieldTransform;

/**
 * Every setting of sync.yaml, defined once: one {@link Section} per mapping, in the order the loader reads
 * and the reference lists them. {@link SyncConfigLoader} reads each value through these definitions and
 * adds only what concerns several settings at once; {@link ConfigReference} renders the README's table from
 * them.
 */
final class ConfigKeys {
    static final List<String> TRANSFORMS = List.of("trim", "lowercase", "uppercase", "titlecase", "digits", "e164",
            "first_name", "last_name", "domain", "truncate");
    static final Map<String, String> DEFAULT_SEGMENTS = orderedMap(
            "valid", "email_status = 'valid'",
            "valid_and_risky", "email_status IN ('valid', 'risky')",
            "found_phones", "phone IS NOT NULL AND phone <> ''",
            "all", "1 = 1");
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
    /**
     * How far behind its watermark a run reads again: a row whose transaction committed after rows
     * with later changedAt values had been read would otherwise be passed over for good.
     */
    static final int DEFAULT_OVERLAP_SECONDS = 60;
    static final List<String> PEOPLE = List.of("Lead", "Contact");
    static final List<String> OBJECTS = List.of("Lead", "Contact", "Account");
    /** Salesforce's TaskSubtype values. */
    static final List<String> TASK_SUBTYPES = List.of("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn");
    /** The flow a job runs unless its {@code route} names another. */
    static final String SHIPPED_ROUTE = "direct:sfsync-outbound";

    /** Salesforce API names (Title, Sfsync_Person_Id__c): they go into URLs and SOQL. */
    static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    static final Pattern CONDITION = Pattern.compile(
            "^\\s*([A-Za-z0-9_]+)\\s+(in|not in|=|!=|is blank|is not blank)\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROUTE = Pattern.compile("direct:[A-Za-z0-9._-]+");
    static final Pattern TABLE_NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");
    /** A custom object's API name (Project__c): a job may poll one. */
    static final Pattern CUSTOM_OBJECT = Pattern.compile("[A-Za-z][A-Za-z0-9_]*__c");
    private static final Pattern PERCENT = Pattern.compile("^(\\d{1,3})\\s*%$");

    private ConfigKeys() {
    }

    static final class Salesforce {
        static final Setting<SalesforceSettings.Environment> ENVIRONMENT = Setting.choice("environment",
                SalesforceSettings.Environment.class, SalesforceSettings.Environment.PRODUCTION,
                "production (login.salesforce.com), sandbox (test.salesforce.com), custom (`loginUrl`: My Domain or the emulator)");
        static final Setting<String> LOGIN_URL = Setting.formatted("loginUrl", "http(s) URL", null, httpUrl(),
                "where to log in when environment is custom (My Domain or the emulator); required then");
        static final Setting<SalesforceSettings.AuthType> AUTH = Setting.choice("auth", SalesforceSettings.AuthType.class,
                SalesforceSettings.AuthType.CLIENT_CREDENTIALS, "the OAuth flow (password is deprecated by Salesforce);"
                        + " credentials from `SFSYNC_SF_CLIENT_ID`, `SFSYNC_SF_CLIENT_SECRET`, `SFSYNC_SF_USERNAME`,"
                        + " `SFSYNC_SF_PASSWORD`, `SFSYNC_SF_REFRESH_TOKEN`");
        static final Setting<String> API_VERSION = Setting.formatted("apiVersion", "API version like 62.0", "62.0",
                Setting.Check.of(v -> v.matches("\\d{2}\\.0") ? null : "'" + v + "' is not an API version like 62.0"),
                "REST API version");
        static final Setting<Integer> DAILY_API_BUDGET = Setting.custom("dailyApiBudget", "share like 50%", List.of(),
                "50%", ConfigKeys::percent, "share of the org's daily API requests sfsync may use");
        static final Setting<Integer> MAX_CALLS_PER_SECOND = Setting.integer("maxCallsPerSecond", 0, 0, 1000,
                "throttle for API calls (0: unthrottled); held for the whole cluster when instances share work");
        static final Setting<Integer> MAX_CONCURRENT_CALLS = Setting.integer("maxConcurrentCalls", 25, 1, 25,
                "Salesforce calls in flight at once, across the cluster when instances share work: the org's"
                        + " concurrent long-running requests limit is 25 (5 on Developer Edition: set 5 there)");
        static final Section SECTION = Section.of(ENVIRONMENT, LOGIN_URL, AUTH, API_VERSION, DAILY_API_BUDGET,
                MAX_CALLS_PER_SECOND, MAX_CONCURRENT_CALLS);
    }

    static final class Management {
        static final Setting<Boolean> ADMINS_ONLY = Setting.bool("adminsOnly", false,
                "only admins run and change the integration; operators may still reconnect");
        static final Section SECTION = Section.of(ADMINS_ONLY);
    }

    static final class Alerts {
        static final Setting<String> WEBHOOK = Setting.formatted("webhook", "http(s) URL", null, httpUrl(),
                "receives a JSON POST per alert (none: no alerts)");
        static final Setting<Integer> ERROR_THRESHOLD = Setting.integer("errorThreshold", 0, 0, 1_000_000,
                "a run with more errors than this alerts");
        static final Setting<Integer> API_BUDGET_LOW_PERCENT = Setting.integer("apiBudgetLowPercent", 10, 0, 100,
                "alert when the org has less than this share of its daily API requests left");
        static final Section SECTION = Section.of(WEBHOOK, ERROR_THRESHOLD, API_BUDGET_LOW_PERCENT);
    }

    static final class Source {
        static final Setting<String> QUERY = Setting.requiredText("query", "the SQL the job's rows come from");
        static final Setting<String> KEY = Setting.column("key", true, "the column that identifies a row");
        static final Setting<String> CHANGED_AT = Setting.column("changedAt", true,
                "the column that says when a row last changed (the watermark)");
        static final Setting<Integer> OVERLAP_SECONDS = Setting.integer("overlapSeconds", DEFAULT_OVERLAP_SECONDS, 0,
                86_400, "each run also reads the rows up to this far behind its watermark, so a row whose transaction"
                        + " committed after later rows had been read is synced; rows whose version is already settled"
                        + " — Salesforce has their payload, or a real run logged this version (`sync_log.source_changed_at`)"
                        + " as anything but PENDING — are set aside (no log row, no API call). Raise it to cover your"
                        + " longest transaction that writes the source");
        static final Section SECTION = Section.of(QUERY, KEY, CHANGED_AT, OVERLAP_SECONDS);
    }

    static final class DuplicateRules {
        static final Setting<Boolean> ALLOW_SAVE = Setting.bool("allowSave", false,
                "sends `Sforce-Duplicate-Rule-Header: allowSave=true`");
        static final Section SECTION = Section.of(ALLOW_SAVE);
    }

    static final class Ownership {
        static final Setting<String> OWNER_FROM = Setting.column("ownerFrom", false,
                "column with the owner's email: the active User with it owns new records");
        static final Setting<String> FALLBACK = Setting.formatted("fallback", "text", "assignment_rules",
                Setting.Check.of(f -> fallbackProblem(f.trim())), "when no User has the owner's email:"
                        + " assignment rules (`Sforce-Auto-Assign: TRUE`), that user, that queue, or no owner")
                .withAllowed(List.of("assignment_rules", "user:<email or Id>", "queue:<name or Id>", "none"));
        static final Setting<Boolean> UPDATE_REGARDLESS = Setting.bool("updateRegardlessOfOwnership", false,
                "off: records owned by another user are SKIPPED/OWNED_BY_OTHER_USER");
        static final Section SECTION = Section.of(OWNER_FROM, FALLBACK, UPDATE_REGARDLESS);
    }

    static final class Accounts {
        static final Setting<List<String>> MATCH_BY = Setting.listOf("matchBy", List.of("domain", "name"),
                List.of("domain", "name"), "how a Contact's Account is found, in order");
        static final Setting<String> DOMAIN_FROM = Setting.column("domainFrom", false,
                "column with the company's domain or website; required to match by domain");
        static final Setting<String> NAME_FROM = Setting.column("nameFrom", false,
                "column with the company's name; required to match by name");
        static final Setting<Boolean> CREATE = Setting.bool("create", true, "create missing Accounts (once per batch)");
        static final Setting<Boolean> UPDATE = Setting.bool("update", false, "update matched Accounts");
        static final Setting<Boolean> ASSOCIATE_CONTACTS = Setting.bool("associateContacts", true,
                "set Contact.AccountId");
        static final Setting<Boolean> OVERRIDE_EXISTING = Setting.bool("overrideExistingAssociation", false,
                "replace a Contact's existing AccountId");
        static final Section SECTION = Section.of(MATCH_BY, DOMAIN_FROM, NAME_FROM, CREATE, UPDATE, ASSOCIATE_CONTACTS,
                OVERRIDE_EXISTING);
    }

    /** One Salesforce field's rule: jobs.J.fields.&lt;Object&gt;.&lt;Field&gt;. */
    static final class Field {
        static final Setting<String> FROM = Setting.text("from", null, "the source column the value comes from");
        static final Setting<String> VALUE = Setting.text("value", null, "a constant (instead of `from`)");
        static final Setting<String> DEFAULT = Setting.text("default", null, "used when the mapped value is blank");
        static final Setting<List<String>> TRANSFORM = new Setting<>("transform", "list of",
                concat(TRANSFORMS, List.of("simple:<expression>", "bean:<class>")), "[]",
                "applied in order; a bean: class must be on the classpath, implement"
                        + " `io.sfsync.mapping.FieldTransform` and have a public no-argument constructor; `e164` parses"
                        + " with libphonenumber, reading numbers without a country code in `sfsync.phone.default-region`"
                        + " (application.properties, `SFSYNC_PHONE_REGION`, default US; an unknown code stops the start"
                        + " with one line)",
                n -> n.stringList("transform", List.of()), ConfigKeys::transformProblems, null, null, null);
        static final Setting<FieldRule.Overwrite> OVERWRITE = Setting.choice("overwrite", FieldRule.Overwrite.class,
                FieldRule.Overwrite.ALWAYS, "when a value replaces the one in Salesforce (when: if `when` holds)");
        static final Setting<String> WHEN = Setting.formatted("when", "condition", null,
                Setting.Check.of(w -> CONDITION.matcher(w).matches() ? null : "'" + w + "' is not a condition like"
                        + " \"Status in [Open - Not Contacted]\", \"Rating != Hot\" or \"Title is blank\""),
                "for overwrite when: a test on the current Salesforce record (`Status in [Open - Not Contacted]`,"
                        + " `Rating != Hot`, `Title is blank`)");
        static final Setting<ConfigNode> PICKLIST = Setting.entries("picklist", "<source value>", null,
                "source value → Salesforce picklist value");
        static final Setting<FieldRule.OnInvalid> ON_INVALID = Setting.choice("onInvalid", FieldRule.OnInvalid.class,
                FieldRule.OnInvalid.ERROR, "a value outside the field's picklist: drop it, use the default, or an ERROR");
        static final Setting<FieldRule.Direction> DIRECTION = Setting.choice("direction", FieldRule.Direction.class,
                FieldRule.Direction.TO_SALESFORCE, "which way the value flows: to_salesforce, from_salesforce (into"
                        + " the `from` column; the only one for fields Salesforce does not let the user update), both;"
                        + " the default is the job's direction")
                .withDefaultText("the job's direction");
        static final Setting<FieldRule.Merge> MERGE = Setting.choice("merge", FieldRule.Merge.class,
                FieldRule.Merge.MOST_RECENT, "for direction both, which side wins when both have a value:"
                        + " most_recent (Salesforce's LastModifiedDate against the source's changedAt),"
                        + " salesforce_unless_blank, source_unless_blank; a blank never replaces a value");
        static final Section SECTION = Section.of(FROM, VALUE, DEFAULT, TRANSFORM, OVERWRITE, WHEN, PICKLIST,
                ON_INVALID, DIRECTION, MERGE);
    }

    /** Where one polled object's records land in the source: jobs.J.inbound.objects.&lt;Object&gt;. */
    static final class InboundObject {
        static final Setting<String> TABLE = Setting.formatted("table", "table name", null,
                Setting.Check.of(t -> TABLE_NAME.matcher(t).matches() ? null
                        : "'" + t + "' is not a table name (letters, digits, _ and one optional schema.)"),
                "the source table the object's records are written to (required)");
        static final Setting<String> KEY = Setting.column("key", true, "the table's key column (the sync_link key)");
        static final Setting<String> CHANGED_AT = Setting.column("changedAt", false,
                "the table's last-changed column: compared with LastModifiedDate for merge most_recent, set to the"
                        + " time of each inbound write");
        static final Setting<ConfigNode> COLUMNS = Setting.entries("columns", "<query column>", null,
                "a field rule's `from` (a column of the job's query) → this table's column, where they differ"
                        + " (company_name: name)");
        static final Setting<InboundConfig.NewRows> NEW_ROWS = Setting.choice("newRows", InboundConfig.NewRows.class,
                InboundConfig.NewRows.INSERT, "a record linked to no row: insert one (CREATED), or skip it"
                        + " (SKIPPED/NOT_LINKED)");
        static final Setting<String> NEW_KEY = Setting.formatted("newKey", "sequence:<name> | field:<Field>", null,
                Setting.Check.of(ConfigKeys::newKeyProblem),
                "the key of an inserted row: the next value of a database sequence, or a field of the record"
                        + " (field:Id); required when newRows is insert");
        static final Setting<ConfigNode> MATCH_ON = Setting.entries("matchOn", "<Field>", null,
                "how a record not linked yet finds its row, in order: Salesforce field → table column (Email:"
                        + " email, Sfsync_Person_Id__c: id, Id: salesforce_id); exactly one row must have the value");
        static final Setting<String> ACCOUNT_COLUMN = Setting.column("accountColumn", false,
                "Contacts: the column holding the key of the company row linked to the Contact's Account"
                        + " (company_id); the Account's own job entry says where companies are");
        static final Section SECTION = Section.of(TABLE, KEY, CHANGED_AT, COLUMNS, NEW_ROWS, NEW_KEY, MATCH_ON,
                ACCOUNT_COLUMN);
    }

    /** Salesforce → source: jobs.J.inbound. */
    static final class Inbound {
        static final Setting<ConfigNode> OBJECTS = Setting.entries("objects", "<Object>", InboundObject.SECTION,
                "the objects polled (Lead, Contact, Account or a custom object), each with the table its records go"
                        + " to (required)");
        static final Setting<InboundConfig.OnDelete> ON_DELETE = Setting.choice("onDelete", InboundConfig.OnDelete.class,
                InboundConfig.OnDelete.IGNORE, "a linked record deleted in Salesforce (not merged): unlink, and flag the"
                        + " row (`deletedFlag`), delete it, or leave it");
        static final Setting<String> DELETED_FLAG = Setting.column("deletedFlag", false,
                "for onDelete flag: the boolean column set true");
        static final Setting<InboundConfig.ConflictPolicy> ON_CONFLICT = Setting.choice("onConflict",
                InboundConfig.ConflictPolicy.class, InboundConfig.ConflictPolicy.ASK, "a record first linked to a row"
                        + " whose values differ: ask (CONFLICT, nothing written either way until an operator takes"
                        + " Salesforce's or the source's values) or merge (CONFLICT logged, the fields' merge rules apply)");
        static final Setting<InboundConfig.AddressFrom> ADDRESS_FROM = Setting.choice("addressFrom",
                InboundConfig.AddressFrom.class, InboundConfig.AddressFrom.ACCOUNT_FIRST, "a Contact's address columns:"
                        + " its Account's billing address when it has one, else the Contact's mailing address"
                        + " (account_first), or always the record's own");
        static final Setting<String> ADDRESS_INCOMPLETE_FLAG = Setting.column("addressIncompleteFlag", false,
                "a boolean column set true when the person's address lacks a street, city, state or postal code"
                        + " (the log row says ADDRESS_INCOMPLETE either way)");
        static final Setting<Integer> PAGE_SIZE = Setting.integer("pageSize", 2000, 1, 2000,
                "records per object and page (one Composite call polls five objects' pages)");
        static final Setting<Integer> SETTLE_SECONDS = Setting.integer("settleSeconds", 30, 0, 86_400,
                "a poll reads the records changed until this long ago and leaves the newer ones to the next poll:"
                        + " SystemModstamp is set inside a transaction, so one that commits late is still ahead of the"
                        + " cursor (raise it for long Apex batches or flows; this host's clock must agree with"
                        + " Salesforce's within it)");
        static final Setting<Boolean> BULK_FIRST_LOAD = Setting.bool("bulkFirstLoad", true,
                "an object with nothing loaded yet whose first poll page is full goes on through ONE Bulk API 2.0"
                        + " query job (the same fields, window and order; result sets of five pages, at most 10,000"
                        + " records) instead of pages of pageSize");
        static final Section SECTION = Section.of(OBJECTS, ON_DELETE, DELETED_FLAG, ON_CONFLICT, ADDRESS_FROM,
                ADDRESS_INCOMPLETE_FLAG, PAGE_SIZE, SETTLE_SECONDS, BULK_FIRST_LOAD);
    }

    static final class ActivityKind {
        static final Setting<String> TYPE = Setting.text("type", null, "the Task's Type (Call, Email, Meeting, Other)");
        static final Setting<String> SUBTYPE = Setting.oneOf("subtype", TASK_SUBTYPES, null,
                "the Task's TaskSubtype, set when the Task is created (Salesforce does not let it change)")
                .withDefaultText("Task (a known kind: its own)");
        static final Setting<String> SUBJECT = Setting.text("subject", null,
                "the Task's Subject when the touchpoint has none");
        static final Section SECTION = Section.of(TYPE, SUBTYPE, SUBJECT);
    }

    static final class Activities {
        static final Setting<Boolean> ENABLED = Setting.bool("enabled", true,
                "whether touchpoints are synced as Tasks (false: the settings stay, nothing is sent)");
        static final Setting<Boolean> INCLUDE_CONTENT = Setting.bool("includeContent", false,
                "whether a Task's Description carries the message's contents (the body column); off: never sent,"
                        + " and Tasks written while it was off never get their contents later");
        static final Setting<Section.Values> SOURCE = Setting.section("source", Source.SECTION,
                "where the touchpoints come from: query, key, changedAt (required)");
        static final Setting<String> PERSON = Setting.column("person", false,
                "the column with the person's key (the job's source key); default person_id")
                .withDefaultText("person_id");
        static final Setting<String> KIND = Setting.column("kind", false,
                "the column with the touchpoint's kind (a key of kinds); default kind").withDefaultText("kind");
        static final Setting<String> SUBJECT = Setting.column("subject", false,
                "the column with the Task's Subject; default subject").withDefaultText("subject");
        static final Setting<String> BODY = Setting.column("body", false,
                "the column with the message's contents (sent only with includeContent); default body")
                .withDefaultText("body");
        static final Setting<String> OCCURRED_AT = Setting.column("occurredAt", false,
                "the column whose date is the Task's ActivityDate; default: source.changedAt")
                .withDefaultText("source.changedAt");
        static final Setting<String> SENDER = Setting.column("sender", false,
                "the column with the sender's email: the active Salesforce User with that email owns the Task"
                        + " (looked up once per run; none found: the job's fallback user, else the integration user)");
        static final Setting<String> EXTERNAL_ID_FIELD = Setting.formatted("externalIdField", "Salesforce field name",
                "Sfsync_Touchpoint_Id__c", Setting.Check.of(f -> API_NAME.matcher(f).matches() ? null
                        : "'" + f + "' is not a Salesforce field name like Sfsync_Touchpoint_Id__c"),
                "the Task's external ID (Text, External ID, Unique): Tasks are upserted on it with the touchpoint's key");
        static final Setting<String> EXTERNAL_ID_PREFIX = Setting.formatted("externalIdPrefix", "text", "",
                Setting.Check.of(p -> p.matches("[A-Za-z0-9_.:-]{0,20}") ? null
                        : "'" + p + "' is not a prefix of up to 20 letters, digits, '_', '.', ':' or '-'"),
                "put before the touchpoint's key in the external ID: jobs of one org whose touchpoint keys may repeat"
                        + " (two sources numbering from 1) each take their own, e.g. `crm:`; never change it once"
                        + " Tasks exist (they would be made again)");
        static final Setting<ConfigNode> KINDS = Setting.entries("kinds", "<kind>", ActivityKind.SECTION,
                "what each kind becomes (type, subtype, subject); email, linkedin and call are known already");
        static final Setting<Integer> BATCH_SIZE = Setting.integer("batchSize", 1000, 1, 10_000,
                "touchpoints per batch (ONE Composite call writes 1,000: five collections of 200)");
        static final Section SECTION = Section.of(ENABLED, INCLUDE_CONTENT, SOURCE, PERSON, KIND, SUBJECT, BODY,
                OCCURRED_AT, SENDER, EXTERNAL_ID_FIELD, EXTERNAL_ID_PREFIX, KINDS, BATCH_SIZE);
    }

    static final class Job {
        static final Setting<String> SCHEDULE = Setting.formatted("schedule", "Quartz cron", null,
                Setting.Check.of(ConfigKeys::cronProblem), "a Quartz cron (6 or 7 fields, seconds first, e.g."
                        + " `\"0 0/30 * * * ?\"`), checked by Quartz itself: value ranges (hour 0–23, …) and that it"
                        + " fires at all. Give schedule or every, not both")
                .withDefaultText("none (every applies)");
        static final Setting<String> EVERY = Setting.custom("every", "one of", List.copyOf(ConfigKeys.EVERY.keySet()),
                "10m", ConfigKeys::every, "the period between runs: only periods that divide the hour evenly; for"
                        + " any other, a schedule");
        static final Setting<JobConfig.Direction> DIRECTION = Setting.choice("direction", JobConfig.Direction.class,
                JobConfig.Direction.OUTBOUND, "outbound (source → Salesforce), inbound (Salesforce → source, polled;"
                        + " needs `inbound`), both (one run polls Salesforce, then sends the source's changes)");
        static final Setting<Section.Values> INBOUND = Setting.section("inbound", Inbound.SECTION,
                "Salesforce → source: the objects polled and where they land (direction inbound or both)");
        static final Setting<Section.Values> SOURCE = Setting.section("source", Source.SECTION,
                "where the rows come from (required)");
        static final Setting<ConfigNode> SEGMENTS = Setting.entries("segments", "<name>", null,
                "your own segments, `name: SQL predicate` over the query's columns, besides the built-in "
                        + String.join(", ", DEFAULT_SEGMENTS.keySet()));
        static final Setting<String> SEGMENT = Setting.text("segment", "all",
                "the segment synced: " + String.join(", ", DEFAULT_SEGMENTS.keySet()) + " or one of `segments`");
        static final Setting<String> DO_NOT_CONTACT = Setting.column("doNotContact", false,
                "a boolean column: true rows are SKIPPED/DO_NOT_CONTACT");
        static final Setting<String> CREATE_AS = Setting.oneOf("createAs", PEOPLE, "Lead", "what a new person becomes");
        static final Setting<List<String>> MATCH_IN = Setting.listOf("matchIn", PEOPLE, List.of("Contact", "Lead"),
                "objects searched (and updated) before creating, in order");
        static final Setting<List<JobConfig.MatchKey>> MATCH_BY = Setting.custom("matchBy", "list of",
                List.of("link", "externalId", "email"), "[link, externalId, email]", ConfigKeys::matchKeys,
                "keys, in order: the sync_link, the external ID, the email (case-insensitive)");
        static final Setting<String> EXTERNAL_ID_FIELD = Setting.formatted("externalIdField", "Salesforce field name",
                null, Setting.Check.of(f -> API_NAME.matcher(f).matches() ? null
                        : "'" + f + "' is not a Salesforce field name like Sfsync_Person_Id__c"),
                "e.g. Sfsync_Person_Id__c (Text, External ID, Unique on every matchIn object — `check` verifies it"
                        + " exists); required for matchBy externalId; strongly advised for any job that creates");
        static final Setting<JobConfig.Mode> MODE = Setting.choice("mode", JobConfig.Mode.class,
                JobConfig.Mode.CREATE_AND_UPDATE,
                "create_only (SKIPPED/EXISTS_CREATE_ONLY), update_only (SKIPPED/NOT_FOUND_UPDATE_ONLY)");
        static final Setting<JobConfig.AmbiguousPolicy> ON_AMBIGUOUS_MATCH = Setting.choice("onAmbiguousMatch",
                JobConfig.AmbiguousPolicy.class, JobConfig.AmbiguousPolicy.REPORT,
                "report (DUPLICATE/AMBIGUOUS_MATCH) or update_most_recent");
        static final Setting<Section.Values> DUPLICATE_RULES = Setting.section("duplicateRules", DuplicateRules.SECTION,
                "Salesforce duplicate rules");
        static final Setting<Section.Values> OWNERSHIP = Setting.section("ownership", Ownership.SECTION,
                "who owns new records");
        static final Setting<Section.Values> ACCOUNTS = Setting.section("accounts", Accounts.SECTION,
                "Account matching and Contact association; none: Accounts are left alone");
        static final Setting<ConfigNode> FIELDS = Setting.entries("fields", "<Object>.<Field>", Field.SECTION,
                "per object (Lead, Contact, Account), how each Salesforce field gets its value (required)");
        static final Setting<Integer> BATCH_SIZE = Setting.integer("batchSize", 1000, 1, 10_000,
                "rows per batch (one lookup call per batch)");
        static final Setting<Integer> BULK_THRESHOLD = Setting.integer("bulkThreshold", 2000, 1, 10_000_000,
                "a batch with at least this many upserts or updates of one object writes them as a Bulk API 2.0"
                        + " ingest job (raise batchSize for large first loads); rows with assignment rules stay on collections");
        static final Setting<Boolean> CONTACT_WINS_OVER_LEAD = Setting.bool("contactWinsOverLead", true,
                "a Contact match beats a Lead match");
        static final Setting<String> ROUTE = Setting.formatted("route", "direct:<name>", null,
                Setting.Check.of(r -> ConfigKeys.ROUTE.matcher(r).matches() ? null : "'" + r + "' is not a direct:"
                        + " endpoint like direct:people-outbound (direct: and a name of letters, digits, '.', '_' and '-')"),
                "the `direct:` endpoint of a YAML route the job runs instead of the shipped flow")
                .withDefaultText(SHIPPED_ROUTE);
        static final Setting<Boolean> DATA_SYNC = Setting.bool("dataSync", true,
                "whether the job syncs people and companies; false: only its activities go (people already"
                        + " linked get their Tasks, the others wait PENDING)");
        static final Setting<Section.Values> ACTIVITIES = Setting.section("activities", Activities.SECTION,
                "touchpoints (emails, LinkedIn messages, calls) as completed Tasks on the person's Lead or Contact");
        static final Section SECTION = Section.of(SCHEDULE, EVERY, DIRECTION, SOURCE, SEGMENTS, SEGMENT, DO_NOT_CONTACT,
                CREATE_AS, MATCH_IN, MATCH_BY, EXTERNAL_ID_FIELD, MODE, ON_AMBIGUOUS_MATCH, DUPLICATE_RULES, OWNERSHIP,
                ACCOUNTS, FIELDS, BATCH_SIZE, BULK_THRESHOLD, CONTACT_WINS_OVER_LEAD, ROUTE, INBOUND, DATA_SYNC, ACTIVITIES);
    }

    static final class Root {
        static final Setting<Section.Values> SALESFORCE = Setting.section("salesforce", Salesforce.SECTION,
                "how sfsync reaches Salesforce (credentials come from the environment)");
        static final Setting<ConfigNode> JOBS = Setting.entries("jobs", "J", Job.SECTION,
                "the jobs by name (lower-case letters, digits, - and _); at least one");
        static final Setting<Section.Values> MANAGEMENT = Setting.section("management", Management.SECTION,
                "who may manage the integration");
        static final Setting<Section.Values> ALERTS = Setting.section("alerts", Alerts.SECTION,
                "where alerts go and when (see Operating)");
        static final Section SECTION = Section.of(SALESFORCE, JOBS, MANAGEMENT, ALERTS);
    }

    // --- validators and readers of their own -----------------------------------------------------------

    private static Setting.Check<String> httpUrl() {
        return Setting.Check.of(u -> u.isBlank() || isHttpUrl(u) ? null : "'" + u + "' is not an http(s) URL");
    }

    /** An absolute http(s) URL with a host (java.net.URI's parse, not a pattern). */
    private static boolean isHttpUrl(String s) {
        try {
            URI u = new URI(s.trim());
            return u.getScheme() != null && (u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                    // a host that is not a DNS name (docker_service_1) is still an authority
                    && (u.getHost() != null || (u.getRawAuthority() != null && !u.getRawAuthority().isBlank()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Integer percent(ConfigNode n) {
        String budget = n.string("dailyApiBudget", "50%");
        Matcher m = PERCENT.matcher(budget.trim());
        if (m.matches() && Integer.parseInt(m.group(1)) >= 1 && Integer.parseInt(m.group(1)) <= 100) {
            return Integer.parseInt(m.group(1));
        }
        ConfigNode b = n.get("dailyApiBudget");
        b.error("'" + budget + "' is not a share like 50%" + b.origin());
        return 50;
    }

    /** The cron of an {@code every:} period, or null (reported) when it is not one of them. */
    private static String every(ConfigNode n) {
        String every = n.string("every", null);
        if (every == null) {
            return null;
        }
        String cron = EVERY.get(every.replaceAll("\\s+", "").toLowerCase(Locale.ROOT));
        if (cron == null) {
            ConfigNode e = n.get("every");
            e.error("'" + every + "' is not one of " + String.join("|", EVERY.keySet()) + e.origin()
                    + "; for any other period give schedule: with a Quartz cron instead, e.g. schedule: \"0 0/30 * * * ?\""
                    + " (every 30 minutes)");
        }
        return cron;
    }

    /** A cron as Quartz will run it: single spaces between its fields. */
    static String normalizeCron(String schedule) {
        return schedule.trim().replaceAll("\\s+", " ");
    }

    /**
     * A cron as Quartz will read it: checked by Quartz's own parser (field count, value ranges such as hour
     * 0-23, names) and for having a next fire time, so a bad one fails here with its path and not when the
     * schedule starts.
     */
    private static String cronProblem(String schedule) {
        String cron = normalizeCron(schedule);
        int fields = cron.isEmpty() ? 0 : cron.split(" ").length;
        if (fields < 6 || fields > 7) {
            return "'" + schedule + "' is not a Quartz cron expression: it has " + fields + " field"
                    + (fields == 1 ? "" : "s") + ", Quartz takes 6 or 7 (second minute hour day-of-month month day-of-week"
                    + " [year]), e.g. \"0 0/10 * * * ?\"";
        }
        try {
            if (new CronExpression(cron).getNextValidTimeAfter(new Date()) == null) {
                return "'" + schedule + "' never fires: no time from now on matches it";
            }
        } catch (ParseException e) {
            return "'" + schedule + "' is not a valid Quartz cron expression: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("day-of-week AND a day-of-month")
                            ? " (put ? in one of them)" : "");
        }
        return null;
    }

    private static String newKeyProblem(String newKey) {
        String k = newKey.trim();
        if (k.startsWith("sequence:") && TABLE_NAME.matcher(k.substring(9).trim()).matches()) {
            return null;
        }
        if (k.startsWith("field:") && API_NAME.matcher(k.substring(6).trim()).matches()) {
            return null;
        }
        return "'" + newKey + "' is not sequence:<sequence name> or field:<Salesforce field>";
    }

    private static List<JobConfig.MatchKey> matchKeys(ConfigNode n) {
        List<JobConfig.MatchKey> keys = new ArrayList<>();
        for (String k : n.stringList("matchBy", List.of("link", "externalId", "email"))) {
            try {
                keys.add(JobConfig.MatchKey.valueOf(k.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                n.get("matchBy").error("'" + k + "' is not one of link|externalId|email");
            }
        }
        return keys;
    }

    private static String fallbackProblem(String fallback) {
        String f = fallback.toLowerCase(Locale.ROOT);
        boolean ok = f.equals("assignment_rules") || f.equals("none") || (f.startsWith("user:") && f.length() > 5)
                || (f.startsWith("queue:") && f.length() > 6);
        return ok ? null : "'" + fallback + "' is not one of assignment_rules|user:<email or Id>|queue:<name or Id>|none";
    }

    private static void transformProblems(List<String> transforms, Consumer<String> problem) {
        for (String t : transforms) {
            if (t.startsWith("bean:")) {
                String p = beanProblem(t.substring("bean:".length()).trim());
                if (p != null) {
                    problem.accept(p);
                }
            } else if (!TRANSFORMS.contains(t) && !t.startsWith("simple:")) {
                problem.accept("'" + t + "' is not one of " + String.join("|", TRANSFORMS)
                        + "|simple:<expression>|bean:<class>");
            }
        }
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
            c = Class.forName(className, false, ConfigKeys.class.getClassLoader());
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

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
