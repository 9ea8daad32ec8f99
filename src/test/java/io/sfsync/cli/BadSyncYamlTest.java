package io.sfsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input at start-up: every malformed variant of the shipped sync.yaml (and of application.properties)
 * makes every command that starts sfsync — serve, run, plan, retry, check — answer with ONE message that
 * names the path of the problem, no stack trace, and exit code 2. Each variant is the shipped file with one
 * change, so a variant that stops applying (the shipped file changed) fails instead of testing nothing.
 */
class BadSyncYamlTest {
    private static final String SHIPPED;
    private static final String PROPERTIES;
    private static Path dir;

    static {
        try {
            SHIPPED = Files.readString(Path.of("config/sync.yaml"));
            // the shipped properties with an in-memory source, so a command that got past sync.yaml would touch nothing
            PROPERTIES = Files.readString(Path.of("config/application.properties"))
                    + "\nsfsync.source.url = jdbc:h2:mem:bad-sync-yaml;DB_CLOSE_DELAY=-1\ncamel.server.port = 0\n"
                    + "sfsync.hawtio.enabled = false\ncamel.main.jmx-enabled = false\nsfsync.limits.watch = false\n";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void createDir() throws Exception {
        dir = Files.createTempDirectory("sfsync-bad-yaml");
    }

    @AfterAll
    static void removeDir() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One malformed variant: a name, the file's text, and the problem line it must produce. */
    record Variant(String name, String yaml, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The shipped sync.yaml with {@code from} replaced by {@code to} (which must occur in it). */
    private static String shipped(String from, String to) {
        if (!SHIPPED.contains(from)) {
            throw new IllegalStateException("config/sync.yaml no longer contains: " + from);
        }
        return SHIPPED.replace(from, to);
    }

    private static Variant v(String name, String from, String to, String problem) {
        return new Variant(name, shipped(from, to), problem);
    }

    private static final String EVERY = "    every: 10m";
    private static final String JOB = "    direction: outbound\n";
    private static final String TITLE = "        Title:        {from: title, overwrite: if_blank}\n        Phone:        {from: phone}\n        Website:";

    static List<Variant> variants() {
        List<Variant> v = new ArrayList<>();
        // salesforce:
        v.add(v("environment", "environment: custom ", "environment: moon ",
                "salesforce.environment: 'moon' is not one of production|sandbox|custom"));
        v.add(v("loginUrl not http", "loginUrl: \"{{env:SFSYNC_SF_LOGIN_URL:http://127.0.0.1:8089}}\"", "loginUrl: \"ftp://x\"",
                "salesforce.loginUrl: 'ftp://x' is not an http(s) URL"));
        v.add(v("loginUrl env unset", "{{env:SFSYNC_SF_LOGIN_URL:http://127.0.0.1:8089}}", "{{env:SFSYNC_TEST_NEVER_SET}}",
                "salesforce.loginUrl: environment variable SFSYNC_TEST_NEVER_SET is not set"));
        v.add(v("auth", "auth: client_credentials ", "auth: magic ",
                "salesforce.auth: 'magic' is not one of client_credentials|jwt|refresh_token|password"));
        v.add(v("apiVersion", "apiVersion: \"62.0\"", "apiVersion: \"62\"", "salesforce.apiVersion: '62' is not an API version like 62.0"));
        v.add(v("dailyApiBudget", "dailyApiBudget: 50% ", "dailyApiBudget: 150% ",
                "salesforce.dailyApiBudget: '150%' is not a share like 50%"));
        v.add(v("maxCallsPerSecond", "dailyApiBudget: 50% ", "maxCallsPerSecond: fast\n  dailyApiBudget: 50% ",
                "salesforce.maxCallsPerSecond: must be a whole number, not 'fast'"));
        v.add(v("salesforce unknown setting", "  apiVersion: \"62.0\"", "  apiVersion: \"62.0\"\n  colour: blue",
                "salesforce.colour: unknown setting (known: apiVersion, auth, dailyApiBudget, environment, loginUrl, maxCallsPerSecond, maxConcurrentCalls)"));
        // management: and alerts:
        v.add(v("adminsOnly", "adminsOnly: false ", "adminsOnly: sometimes ", "management.adminsOnly: must be true or false, not 'sometimes'"));
        v.add(v("adminsOnly from env", "adminsOnly: false ", "adminsOnly: \"{{env:SFSYNC_TEST_NEVER_SET:perhaps}}\" ",
                "management.adminsOnly: must be true or false, not 'perhaps' (from {{env:SFSYNC_TEST_NEVER_SET:perhaps}})"));
        v.add(v("alerts webhook", "\njobs:\n", "\nalerts: {webhook: \"mailto:ops@x.example\"}\njobs:\n",
                "alerts.webhook: 'mailto:ops@x.example' is not an http(s) URL"));
        v.add(v("alerts errorThreshold", "\njobs:\n", "\nalerts: {errorThreshold: -1}\njobs:\n",
                "alerts.errorThreshold: must be between 0 and 1000000, not -1"));
        v.add(v("unknown top-level key", "\njobs:\n", "\nmangement: {adminsOnly: true}\njobs:\n",
                "mangement: unknown setting (known: alerts, jobs, management, salesforce)"));
        // schedules
        v.add(v("every 7m", EVERY, "    every: 7m", "jobs.people.every: '7m' is not one of 1m|5m|10m|15m|1h; for any other period"
                + " give schedule: with a Quartz cron instead, e.g. schedule: \"0 0/30 * * * ?\" (every 30 minutes)"));
        v.add(v("cron hour 25", EVERY, "    schedule: \"0 0 25 * * ?\"",
                "jobs.people.schedule: '0 0 25 * * ?' is not a valid Quartz cron expression: Hour values must be between 0 and 23"));
        v.add(v("cron five fields", EVERY, "    schedule: \"*/5 * * * *\"", "jobs.people.schedule: '*/5 * * * *' is not a Quartz cron"
                + " expression: it has 5 fields, Quartz takes 6 or 7"));
        v.add(v("cron never fires", EVERY, "    schedule: \"0 0 0 30 2 ?\"",
                "jobs.people.schedule: '0 0 0 30 2 ?' never fires: no time from now on matches it"));
        v.add(v("schedule and every", EVERY, "    schedule: \"0 0/5 * * * ?\"\n    every: 5m",
                "jobs.people: give either schedule (cron) or every, not both"));
        // the job
        v.add(v("job name", "\n  people:\n", "\n  People:\n", "jobs.People: job names are lower-case letters, digits, - and _"));
        v.add(v("unknown job setting", JOB, JOB + "    colour: blue\n", "jobs.people.colour: unknown setting (known: "));
        v.add(v("direction", "direction: outbound", "direction: sideways",
                "jobs.people.direction: 'sideways' is not one of outbound|inbound|both"));
        v.add(v("both without inbound", "direction: outbound", "direction: both",
                "jobs.people.inbound: is required for direction both: the objects polled and the tables they go to"));
        v.add(v("route not a direct: endpoint", JOB, JOB + "    route: seda:people\n",
                "jobs.people.route: 'seda:people' is not a direct: endpoint like direct:people-outbound"));
        v.add(v("activities without a source", "        changedAt: occurred_at\n", "",
                "jobs.people.activities.source.changedAt: is required"));
        v.add(v("activity sender not a column", "      sender: sender_email ", "      sender: \"sender email\" ",
                "jobs.people.activities.sender: 'sender email' is not a column name of the source query"));
        v.add(v("source key missing", "      key: id\n", "", "jobs.people.source.key: is required"));
        v.add(v("source key not a column", "      key: id\n", "      key: \"id; DROP TABLE person\"\n",
                "jobs.people.source.key: 'id; DROP TABLE person' is not a column name of the source query (letters, digits and _)"));
        v.add(v("source not a mapping", "    source:\n      query: |", "    source: SELECT 1\n    sourcex:\n      query: |",
                "jobs.people.source: must be a mapping (key: value), not 'SELECT 1'"));
        v.add(v("overlapSeconds", "      # overlapSeconds: 60", "      overlapSeconds: -5",
                "jobs.people.source.overlapSeconds: must be between 0 and 86400, not -5"));
        v.add(v("segment", "segment: valid_and_risky ", "segment: nope ",
                "jobs.people.segment: 'nope' is not one of valid|valid_and_risky|found_phones|all"));
        v.add(v("segment predicate blank", JOB, JOB + "    segments: {mine: \"\"}\n",
                "jobs.people.segments.mine: needs an SQL predicate over the source query's columns"));
        v.add(v("doNotContact", "doNotContact: do_not_contact", "doNotContact: \"do not contact\"",
                "jobs.people.doNotContact: 'do not contact' is not a column name of the source query (letters, digits and _)"));
        v.add(v("createAs", "createAs: Lead", "createAs: Opportunity", "jobs.people.createAs: 'Opportunity' is not one of Lead|Contact"));
        v.add(v("matchIn", "matchIn: [Contact, Lead]", "matchIn: [Contact, Account]",
                "jobs.people.matchIn: 'Account' is not one of Lead|Contact"));
        v.add(v("matchBy", "matchBy: [link, externalId, email]", "matchBy: [link, phone]",
                "jobs.people.matchBy: 'phone' is not one of link|externalId|email"));
        v.add(v("externalIdField missing", "    externalIdField: Sfsync_Person_Id__c\n", "",
                "jobs.people.externalIdField: is required when matchBy includes externalId"));
        v.add(v("externalIdField not a name", "externalIdField: Sfsync_Person_Id__c", "externalIdField: \"Person Id\"",
                "jobs.people.externalIdField: 'Person Id' is not a Salesforce field name like Sfsync_Person_Id__c"));
        v.add(v("mode", "mode: create_and_update", "mode: sometimes",
                "jobs.people.mode: 'sometimes' is not one of create_and_update|create_only|update_only"));
        v.add(v("onAmbiguousMatch", "onAmbiguousMatch: report", "onAmbiguousMatch: guess",
                "jobs.people.onAmbiguousMatch: 'guess' is not one of report|update_most_recent"));
        v.add(v("allowSave", "duplicateRules: {allowSave: false}", "duplicateRules: {allowSave: maybe}",
                "jobs.people.duplicateRules.allowSave: must be true or false, not 'maybe'"));
        v.add(v("ownership fallback", "fallback: assignment_rules", "fallback: robot",
                "jobs.people.ownership.fallback: 'robot' is not one of assignment_rules|user:<email or Id>|queue:<name or Id>|none"));
        v.add(v("updateRegardlessOfOwnership", "updateRegardlessOfOwnership: false", "updateRegardlessOfOwnership: 2",
                "jobs.people.ownership.updateRegardlessOfOwnership: must be true or false, not '2'"));
        v.add(v("accounts matchBy", "      matchBy: [domain, name]", "      matchBy: [domain, phone]",
                "jobs.people.accounts.matchBy: 'phone' is not one of domain|name"));
        v.add(v("accounts create from env", "      create: true", "      create: \"{{env:SFSYNC_TEST_NEVER_SET:perhaps}}\"",
                "jobs.people.accounts.create: must be true or false, not 'perhaps' (from {{env:SFSYNC_TEST_NEVER_SET:perhaps}})"));
        v.add(v("batchSize zero", JOB, JOB + "    batchSize: 0\n", "jobs.people.batchSize: must be between 1 and 10000, not 0"));
        v.add(v("batchSize fraction", JOB, JOB + "    batchSize: 12.5\n", "jobs.people.batchSize: must be a whole number, not '12.5'"));
        v.add(v("batchSize from env", JOB, JOB + "    batchSize: \"{{env:SFSYNC_TEST_NEVER_SET:lots}}\"\n",
                "jobs.people.batchSize: must be a whole number, not 'lots' (from {{env:SFSYNC_TEST_NEVER_SET:lots}})"));
        v.add(v("bulkThreshold too big", JOB, JOB + "    bulkThreshold: 99999999999\n",
                "jobs.people.bulkThreshold: must be between 1 and 10000000, not 99999999999"));
        // fields
        v.add(v("fields missing", "    fields:\n      Lead:", "    fieldz:\n      Lead:", "jobs.people.fields: is required"));
        v.add(v("fields object", "      Account:\n", "      Opportunity:\n",
                "jobs.people.fields.Opportunity: 'Opportunity' is not one of Lead|Contact|Account"));
        v.add(v("field name", "        FirstName:    {from: first_name, transform: [trim]}\n        LastName:     {from: last_name, transform: [trim], default: \"[Unknown]\"}\n        Email:        {from: email, transform: [trim, lowercase]}\n        Company:",
                "        First Name:    {from: first_name, transform: [trim]}\n        LastName:     {from: last_name, transform: [trim], default: \"[Unknown]\"}\n        Email:        {from: email, transform: [trim, lowercase]}\n        Company:",
                "jobs.people.fields.Lead.First Name: 'First Name' is not a Salesforce field name like Title or Sfsync_Person_Id__c"));
        v.add(v("overwrite (the spec's example)", TITLE, TITLE.replace("overwrite: if_blank", "overwrite: sometimes"),
                "jobs.people.fields.Lead.Title.overwrite: 'sometimes' is not one of always|if_blank|never|when"));
        v.add(v("transform unknown", TITLE, TITLE.replace("overwrite: if_blank", "transform: [shout]"),
                "jobs.people.fields.Lead.Title.transform: 'shout' is not one of trim|lowercase|uppercase|titlecase|digits|e164"
                        + "|first_name|last_name|domain|truncate|simple:<expression>|bean:<class>"));
        v.add(v("bean class missing", TITLE, TITLE.replace("overwrite: if_blank", "transform: [\"bean:com.example.NoSuchTransform\"]"),
                "jobs.people.fields.Lead.Title.transform: bean class com.example.NoSuchTransform is not on sfsync's classpath"));
        v.add(v("bean class wrong type", TITLE, TITLE.replace("overwrite: if_blank", "transform: [\"bean:java.lang.String\"]"),
                "jobs.people.fields.Lead.Title.transform: bean class java.lang.String does not implement io.sfsync.mapping.FieldTransform"));
        v.add(v("from and value", TITLE, TITLE.replace("overwrite: if_blank", "value: Boss"),
                "jobs.people.fields.Lead.Title: give from or value, not both"));
        v.add(v("neither from nor value", TITLE, TITLE.replace("{from: title, overwrite: if_blank}", "{overwrite: never}"),
                "jobs.people.fields.Lead.Title: needs from (a source column) or value (a constant)"));
        v.add(v("when missing", TITLE, TITLE.replace("overwrite: if_blank", "overwrite: when"),
                "jobs.people.fields.Lead.Title.when: is required when overwrite is when"));
        v.add(v("when malformed", TITLE, TITLE.replace("overwrite: if_blank", "overwrite: when, when: \"Title sometimes Boss\""),
                "jobs.people.fields.Lead.Title.when: 'Title sometimes Boss' is not a condition like"));
        v.add(v("picklist not a mapping", "picklist: {IT: Technology, Software: Technology, SaaS: Technology, Fintech: Finance, Bank: Banking}",
                "picklist: [IT, Technology]", "jobs.people.fields.Lead.Industry.picklist: must be a mapping (key: value), not '[IT, Technology]'"));
        v.add(v("picklist value a list", "Bank: Banking}", "Bank: [Banking]}",
                "jobs.people.fields.Lead.Industry.picklist.Bank: must be a single value"));
        v.add(v("onInvalid", "onInvalid: drop", "onInvalid: explode",
                "jobs.people.fields.Lead.Industry.onInvalid: 'explode' is not one of drop|default|error"));
        // not YAML, or not the right shape
        v.add(v("unclosed flow list", "matchIn: [Contact, Lead]", "matchIn: [Contact, Lead", "is not valid YAML"));
        v.add(v("duplicate key", "    createAs: Lead\n", "    createAs: Lead\n    createAs: Contact\n", "found duplicate key createAs"));
        v.add(v("tab indentation", "    direction: outbound\n", "\tdirection: outbound\n", "is not valid YAML"));
        v.add(new Variant("empty file", "", "jobs: at least one job is required"));
        v.add(new Variant("a list, not a mapping", "- people\n- places\n", "must be a mapping (key: value), not '[people, places]'"));
        v.add(new Variant("no jobs", "jobs: {}\n", "jobs: at least one job is required"));
        return v;
    }

    /** The commands that start sfsync, each as a person types it. */
    static final List<List<String>> COMMANDS = List.of(List.of("run", "people"), List.of("plan", "people"),
            List.of("retry", "people"), List.of("check"), List.of("serve"));

    static Stream<Arguments> cases() {
        return variants().stream().flatMap(v -> COMMANDS.stream().map(c -> Arguments.of(v, String.join(" ", c))));
    }

    private static Cli.Result sfsync(String... args) {
        return Cli.sfsync(args);
    }

    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(");

    private static void assertOneClearMessage(Cli.Result r, String problem, String what) {
        assertThat(r.code()).as("%s: exit code%n%s", what, r.out()).isEqualTo(ExitCodes.CONFIG_OR_USAGE);
        assertThat(r.out()).as(what).contains(problem);
        assertThat(STACK_FRAME.matcher(r.out()).find()).as("%s: a stack trace was printed:%n%s", what, r.out()).isFalse();
        assertThat(r.out()).as(what).doesNotContain("Exception", "Caused by");
        // one message: one header, and the problem line once
        assertThat(r.out().split("problem", -1).length - 1).as("%s: one message%n%s", what, r.out()).isEqualTo(1);
        assertThat(r.out().split(Pattern.quote(problem), -1).length - 1).as(what).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} → sfsync {1}")
    @MethodSource("cases")
    void everyCommandAnswersABadSyncYamlWithOneMessageNamingThePath(Variant variant, String command) throws Exception {
        Files.writeString(dir.resolve("application.properties"), PROPERTIES);
        Files.writeString(dir.resolve("sync.yaml"), variant.yaml());
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--config", dir.toString()));
        Cli.Result r = sfsync(args.toArray(String[]::new));
        assertOneClearMessage(r, variant.problem(), variant.name() + " / " + command);
        assertThat(r.out()).contains(dir.resolve("sync.yaml").toString());
    }

    @Test
    void theShippedFileIsNotOneOfTheBadOnes() {
        // the variants above are the shipped file with one change each: the file itself must load
        new io.sfsync.config.SyncConfigLoader(name -> null).load(Path.of("config/sync.yaml"));
        assertThat(variants()).extracting(Variant::yaml).doesNotContain(SHIPPED);
    }

    @Test
    void theDemoAnswersABadSyncYamlTheSameWay() throws Exception {
        Path demo = Files.createDirectories(dir.resolve("demo"));
        Files.writeString(demo.resolve("application.properties"), PROPERTIES);
        Files.writeString(demo.resolve("sync.yaml"), shipped(EVERY, "    schedule: \"0 0 25 * * ?\""));
        Cli.Result r = sfsync("demo", "--exit", "--config", demo.toString(), "--emulator-port", "0", "--http-port", "0",
                "--hawtio-port", "0");
        assertOneClearMessage(r, "jobs.people.schedule: '0 0 25 * * ?' is not a valid Quartz cron expression", "demo");
    }

    @Test
    void theEmbeddedEmulatorIsStoppedWhenTheConfigurationIsRefused() throws Exception {
        Path emu = Files.createDirectories(dir.resolve("emulator"));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(emu.resolve("application.properties"), PROPERTIES + "sfsync.emulator.port = " + port + "\n");
        Files.writeString(emu.resolve("sync.yaml"), shipped(EVERY, "    every: 7m"));
        Cli.Result r = sfsync("run", "people", "--emulator", "--config", emu.toString());
        assertOneClearMessage(r, "jobs.people.every: '7m' is not one of 1m|5m|10m|15m|1h", "run --emulator");
        // the port is free again: nothing was left running
        try (java.net.ServerSocket again = new java.net.ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    static Stream<Arguments> badProperties() {
        return Stream.of(
                Arguments.of("pool size", "sfsync.source.pool-size = eight\n",
                        "sfsync.source.pool-size: must be a whole number, not 'eight'"),
                Arguments.of("no source URL", "sfsync.source.url =\n",
                        "sfsync.source.url: is required (a JDBC URL, e.g. jdbc:postgresql://db:5432/crm)"),
                Arguments.of("redeliveries", "sfsync.salesforce.redeliveries = many\n",
                        "sfsync.salesforce.redeliveries: must be a whole number, not 'many'"),
                Arguments.of("unset variable", "sfsync.source.user = {{env:SFSYNC_TEST_NEVER_SET}}\n",
                        "sfsync.source.user: environment variable SFSYNC_TEST_NEVER_SET is not set"));
    }

    @ParameterizedTest(name = "application.properties: {0}")
    @MethodSource("badProperties")
    void aBadApplicationPropertiesValueIsOneMessageNamingItsKey(String name, String line, String problem) throws Exception {
        Path props = Files.createDirectories(dir.resolve("props-" + name.replace(' ', '-')));
        Files.writeString(props.resolve("application.properties"), PROPERTIES + line);
        Files.writeString(props.resolve("sync.yaml"), SHIPPED);
        for (List<String> command : COMMANDS) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--config", props.toString()));
            Cli.Result r = sfsync(args.toArray(String[]::new));
            assertOneClearMessage(r, problem, name + " / " + command);
            assertThat(r.out()).contains(props.resolve("application.properties").toString());
        }
    }

    @Test
    void aMissingConfigurationDirectoryIsOneMessage() {
        Path nowhere = dir.resolve("nowhere");
        for (List<String> command : COMMANDS) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--config", nowhere.toString()));
            Cli.Result r = sfsync(args.toArray(String[]::new));
            assertOneClearMessage(r, "application.properties has 1 problem:\n  does not exist: run sfsync from its directory"
                    + " or pass --config DIR", String.join(" ", command));
        }
        Cli.Result report = sfsync("report", "--config", nowhere.toString());
        assertOneClearMessage(report, "does not exist: run sfsync from its directory or pass --config DIR", "report");
    }
}
