package io.sfsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SyncConfigLoaderTest {
    private static final String MINIMAL = """
            jobs:
              people:
                source: {query: "SELECT * FROM person", key: id, changedAt: updated_at}
                externalIdField: Sfsync_Person_Id__c
                fields:
                  Lead:
                    LastName: {from: last_name}
                    Title: {from: title, overwrite: %s}
                  Contact:
                    LastName: {from: last_name}
            """;

    private final SyncConfigLoader loader = new SyncConfigLoader(Map.of("SF_URL", "https://acme.my.salesforce.com")::get);

    @Test
    void theShippedConfigurationIsValid() {
        SyncConfig config = new SyncConfigLoader(name -> null).load(Path.of("config/sync.yaml"));
        JobConfig people = config.job("people");
        assertThat(people.createAs()).isEqualTo("Lead");
        assertThat(people.matchIn()).containsExactly("Contact", "Lead");
        assertThat(people.cron()).isEqualTo("0 0/10 * * * ?");
        assertThat(people.fieldsOf("Lead")).extracting(FieldRule::field).contains("Email", "Company", "Sfsync_Person_Id__c");
    }

    @Test
    void aBadValueIsReportedWithItsPath() {
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class,
                () -> loader.parse(MINIMAL.formatted("sometimes"), "sync.yaml"));
        assertThat(e.problems()).containsExactly(
                "jobs.people.fields.Lead.Title.overwrite: 'sometimes' is not one of always|if_blank|never|when");
    }

    @Test
    void everyProblemIsReportedInOnePass() {
        String yaml = """
                salesforce: {environment: custom, auth: magic, dailyApiBudget: lots}
                jobs:
                  people:
                    every: fortnightly
                    colour: blue
                    source: {query: "SELECT 1", key: id}
                    createAs: Opportunity
                    fields:
                      Lead:
                        Title: {overwrite: when}
                """;
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class, () -> loader.parse(yaml, "sync.yaml"));
        assertThat(e.problems()).contains(
                "salesforce.loginUrl: is required when environment is custom (My Domain or the emulator)",
                "salesforce.auth: 'magic' is not one of client_credentials|jwt|refresh_token|password",
                "salesforce.dailyApiBudget: 'lots' is not a share like 50%",
                "jobs.people.every: 'fortnightly' is not one of 1m|5m|10m|15m|1h; for any other period give schedule:"
                        + " with a Quartz cron instead, e.g. schedule: \"0 0/30 * * * ?\" (every 30 minutes)",
                "jobs.people.source.changedAt: is required",
                "jobs.people.createAs: 'Opportunity' is not one of Lead|Contact",
                "jobs.people.fields.Lead.Title: needs from (a source column) or value (a constant)",
                "jobs.people.fields.Lead.Title.when: is required when overwrite is when");
        assertThat(e.problems()).anyMatch(p -> p.startsWith("jobs.people.colour: unknown setting (known: "));
        assertThat(e.getMessage()).startsWith("sync.yaml has " + e.problems().size() + " problems:");
    }

    @Test
    void environmentPlaceholdersAreResolvedAndMissingOnesReported() {
        String yaml = "salesforce: {environment: custom, loginUrl: \"{{env:SF_URL}}\"}\n"
                + MINIMAL.formatted("if_blank");
        assertThat(loader.parse(yaml, "s").salesforce().resolvedLoginUrl()).isEqualTo("https://acme.my.salesforce.com");
        String missing = "salesforce: {environment: custom, loginUrl: \"{{env:NOPE}}\"}\n" + MINIMAL.formatted("if_blank");
        assertThatThrownBy(() -> loader.parse(missing, "s")).hasMessageContaining("environment variable NOPE is not set");
        String defaulted = "salesforce: {environment: custom, loginUrl: \"{{env:NOPE:http://127.0.0.1:8089}}\"}\n"
                + MINIMAL.formatted("if_blank");
        assertThat(loader.parse(defaulted, "s").salesforce().loginUrl()).isEqualTo("http://127.0.0.1:8089");
    }

    @Test
    void schedulesOwnershipFallbacksAndConditionsAreParsed() {
        String yaml = """
                jobs:
                  a: &a
                    every: 5m
                    source: {query: "SELECT * FROM person", key: id, changedAt: updated_at}
                    matchBy: [link, email]
                    ownership: {ownerFrom: owner_email, fallback: "queue:Inbound Leads"}
                    fields:
                      Lead:
                        Status: {value: Working, overwrite: when, when: "Status in [Open - Not Contacted, New]"}
                      Contact:
                        LastName: {from: last_name}
                  b:
                    <<: *a
                    schedule: "0 15 * * * ?"
                    every: null
                    ownership: {fallback: "user:rep@corp.example", updateRegardlessOfOwnership: true}
                """;
        SyncConfig c = loader.parse(yaml, "s");
        assertThat(c.job("a").cron()).isEqualTo("0 0/5 * * * ?");
        assertThat(c.job("a").ownership().fallback()).isEqualTo(OwnershipConfig.Fallback.QUEUE);
        assertThat(c.job("a").ownership().fallbackTarget()).isEqualTo("Inbound Leads");
        FieldRule.Condition when = c.job("a").fieldsOf("Lead").get(0).when();
        assertThat(when.test("New")).isTrue();
        assertThat(when.test("Working - Contacted")).isFalse();
        assertThat(c.job("b").cron()).isEqualTo("0 15 * * * ?");
        assertThat(c.job("b").ownership().fallbackTarget()).isEqualTo("rep@corp.example");
        assertThat(c.job("b").ownership().updateRegardlessOfOwnership()).isTrue();
        assertThat(c.job("b").fieldsOf("Lead")).hasSize(1);
    }

    @Test
    void malformedYamlIsOneClearProblem() {
        assertThatThrownBy(() -> loader.parse("jobs: [unclosed", "sync.yaml"))
                .isInstanceOf(SyncConfigLoader.InvalidConfigException.class)
                .hasMessageContaining("is not valid YAML");
    }

    /** MINIMAL with one more line in the people job (indented as a job setting). */
    private static String withJobSetting(String line) {
        return MINIMAL.formatted("if_blank").replace("    externalIdField: Sfsync_Person_Id__c\n",
                "    externalIdField: Sfsync_Person_Id__c\n    " + line + "\n");
    }

    private java.util.List<String> problems(SyncConfigLoader l, String yaml) {
        var e = catchThrowableOfType(SyncConfigLoader.InvalidConfigException.class, () -> l.parse(yaml, "sync.yaml"));
        assertThat(e).as("sync.yaml should be rejected:%n%s", yaml).isNotNull();
        return e.problems();
    }

    @Test
    void placeholdersFeedNumbersBooleansAndPercentages() {
        SyncConfigLoader l = new SyncConfigLoader(Map.of("BATCH", "250", "ADMINS", "true", "BUDGET", "25%", "RATE", "7",
                "OVERLAP", "30", "CONTACT_WINS", "FALSE")::get);
        String yaml = """
                salesforce: {dailyApiBudget: "{{env:BUDGET}}", maxCallsPerSecond: "{{env:RATE}}"}
                management: {adminsOnly: "{{env:ADMINS:false}}"}
                alerts: {errorThreshold: "{{env:UNSET_THRESHOLD:5}}"}
                """ + withJobSetting("batchSize: \"{{env:BATCH}}\"\n    bulkThreshold: \"{{env:UNSET_BULK:4000}}\"\n"
                + "    contactWinsOverLead: \"{{env:CONTACT_WINS}}\"\n    duplicateRules: {allowSave: \"{{env:UNSET_ALLOW:true}}\"}")
                .replace("changedAt: updated_at}", "changedAt: updated_at, overlapSeconds: \"{{env:OVERLAP}}\"}");
        SyncConfig c = l.parse(yaml, "sync.yaml");
        JobConfig people = c.job("people");
        assertThat(people.batchSize()).isEqualTo(250);
        assertThat(people.bulkThreshold()).isEqualTo(4000);
        assertThat(people.contactWinsOverLead()).isFalse();
        assertThat(people.allowSave()).isTrue();
        assertThat(people.source().overlapSeconds()).isEqualTo(30);
        assertThat(c.management().adminsOnly()).isTrue();
        assertThat(c.salesforce().dailyApiBudgetPercent()).isEqualTo(25);
        assertThat(c.salesforce().maxCallsPerSecond()).isEqualTo(7);
        assertThat(c.alerts().errorThreshold()).isEqualTo(5);
    }

    @Test
    void aPlaceholderThatIsNotANumberOrABooleanNamesThePathAndThePlaceholder() {
        SyncConfigLoader l = new SyncConfigLoader(Map.of("BATCH", "lots", "BUDGET", "half")::get);
        String yaml = "salesforce: {dailyApiBudget: \"{{env:BUDGET}}\"}\nmanagement: {adminsOnly: \"{{env:UNSET:maybe}}\"}\n"
                + withJobSetting("batchSize: \"{{env:BATCH}}\"");
        assertThat(problems(l, yaml)).containsExactlyInAnyOrder(
                "jobs.people.batchSize: must be a whole number, not 'lots' (from {{env:BATCH}})",
                "salesforce.dailyApiBudget: 'half' is not a share like 50% (from {{env:BUDGET}})",
                "management.adminsOnly: must be true or false, not 'maybe' (from {{env:UNSET:maybe}})");
    }

    @Test
    void wholeNumbersAreWholeAndInRangeWithoutWrappingAround() {
        assertThat(problems(loader, withJobSetting("batchSize: 12.5")))
                .containsExactly("jobs.people.batchSize: must be a whole number, not '12.5'");
        // 4,294,968,296 is 1,000 once cut to 32 bits: it must not pass as 1000
        assertThat(problems(loader, withJobSetting("batchSize: 4294968296")))
                .containsExactly("jobs.people.batchSize: must be between 1 and 10000, not 4294968296");
        assertThat(problems(loader, withJobSetting("batchSize: \"{{env:UNSET:0}}\"")))
                .containsExactly("jobs.people.batchSize: must be between 1 and 10000, not 0 (from {{env:UNSET:0}})");
        assertThat(loader.parse(withJobSetting("batchSize: 2.0e3"), "s").job("people").batchSize()).isEqualTo(2000);
    }

    @Test
    void schedulesAreQuartzCronsCheckedByQuartzIncludingValueRanges() {
        assertThat(loader.parse(withJobSetting("schedule: \"0 0 12 ? * 6#3\""), "s").job("people").cron())
                .isEqualTo("0 0 12 ? * 6#3");
        assertThat(loader.parse(withJobSetting("schedule: \"0  15 10 ? * MON-FRI\""), "s").job("people").cron())
                .isEqualTo("0 15 10 ? * MON-FRI");
        assertThat(problems(loader, withJobSetting("schedule: \"0 0 25 * * ?\""))).containsExactly(
                "jobs.people.schedule: '0 0 25 * * ?' is not a valid Quartz cron expression: Hour values must be between 0 and 23");
        assertThat(problems(loader, withJobSetting("schedule: \"0 61 * * * ?\""))).singleElement().asString()
                .startsWith("jobs.people.schedule: '0 61 * * * ?' is not a valid Quartz cron expression: Minute");
        assertThat(problems(loader, withJobSetting("schedule: \"*/5 * * * *\""))).containsExactly(
                "jobs.people.schedule: '*/5 * * * *' is not a Quartz cron expression: it has 5 fields, Quartz takes 6 or 7"
                        + " (second minute hour day-of-month month day-of-week [year]), e.g. \"0 0/10 * * * ?\"");
        assertThat(problems(loader, withJobSetting("schedule: \"0 0 0 30 2 ?\""))).containsExactly(
                "jobs.people.schedule: '0 0 0 30 2 ?' never fires: no time from now on matches it");
        assertThat(problems(loader, withJobSetting("schedule: \"0 0 12 1 * MON\""))).singleElement().asString()
                .startsWith("jobs.people.schedule: '0 0 12 1 * MON' is not a valid Quartz cron expression: Support for"
                        + " specifying both a day-of-week AND a day-of-month").endsWith("(put ? in one of them)");
        assertThat(problems(loader, withJobSetting("schedule: \"0 0 12 ? * FUNDAY\""))).singleElement().asString()
                .contains("jobs.people.schedule: ", "FUNDAY");
    }

    @Test
    void everyTakesOnlyEvenPeriodsAndPointsToScheduleForTheRest() {
        Map<String, String> crons = Map.of("1m", "0 0/1 * * * ?", "5m", "0 0/5 * * * ?", "10m", "0 0/10 * * * ?",
                "15m", "0 0/15 * * * ?", "1h", "0 0 0/1 * * ?");
        crons.forEach((every, cron) -> assertThat(loader.parse(withJobSetting("every: " + every), "s").job("people").cron())
                .as(every).isEqualTo(cron));
        for (String bad : new String[] {"7m", "30s", "2h", "0m", "10"}) {
            assertThat(problems(loader, withJobSetting("every: " + bad))).as(bad).containsExactly(
                    "jobs.people.every: '" + bad + "' is not one of 1m|5m|10m|15m|1h; for any other period give schedule:"
                            + " with a Quartz cron instead, e.g. schedule: \"0 0/30 * * * ?\" (every 30 minutes)");
        }
    }

    @Test
    void aBeanTransformMustBeAFieldTransformOnTheClasspath() {
        String good = MINIMAL.formatted("if_blank").replace("Title: {from: title, overwrite: if_blank}",
                "Title: {from: title, transform: [trim, \"bean:" + Shout.class.getName() + "\"]}");
        assertThat(loader.parse(good, "s").job("people").fieldsOf("Lead").get(1).transforms())
                .containsExactly("trim", "bean:" + Shout.class.getName());
        String path = "jobs.people.fields.Lead.Title.transform: ";
        assertThat(problems(loader, good.replace(Shout.class.getName(), "com.example.NoSuchTransform"))).containsExactly(
                path + "bean class com.example.NoSuchTransform is not on sfsync's classpath (a nested class is written Outer$Inner)");
        assertThat(problems(loader, good.replace(Shout.class.getName(), "java.lang.String"))).containsExactly(
                path + "bean class java.lang.String does not implement io.sfsync.mapping.FieldTransform");
        assertThat(problems(loader, good.replace(Shout.class.getName(), NoDefaultConstructor.class.getName())))
                .containsExactly(path + "bean class " + NoDefaultConstructor.class.getName()
                        + " has no public no-argument constructor");
        assertThat(problems(loader, good.replace("bean:" + Shout.class.getName(), "bean:"))).containsExactly(
                path + "bean: needs a class name, e.g. bean:com.example.MyTransform");
    }

    @Test
    void columnsAndFieldNamesAreNamesAndEachProblemIsReportedOnce() {
        String yaml = MINIMAL.formatted("if_blank").replace("key: id", "key: \"id; DROP TABLE person\"")
                .replace("LastName: {from: last_name}\n        Title", "Last Name: {from: last_name}\n        Title")
                .replace("Contact:\n        LastName: {from: last_name}", "Contact: \"LastName\"");
        assertThat(problems(loader, yaml)).containsExactly(
                "jobs.people.source.key: 'id; DROP TABLE person' is not a column name of the source query (letters, digits and _)",
                "jobs.people.fields.Lead.Last Name: 'Last Name' is not a Salesforce field name like Title or Sfsync_Person_Id__c",
                "jobs.people.fields.Contact: must be a mapping (key: value), not 'LastName'");
    }

    @Test
    void anUnsetVariableNamesThePathItIsUsedIn() {
        assertThat(problems(loader, withJobSetting("doNotContact: \"{{env:SFSYNC_NEVER_SET}}\""))).contains(
                "jobs.people.doNotContact: environment variable SFSYNC_NEVER_SET is not set (used in '{{env:SFSYNC_NEVER_SET}}';"
                        + " set it, or give a default: {{env:SFSYNC_NEVER_SET:value}})");
    }

    @Test
    void inboundAndBothNeedTheirInboundSectionAndAnUnknownDirectionIsRefused() {
        assertThat(loader.parse(withJobSetting("direction: outbound"), "s").job("people").direction())
                .isEqualTo(JobConfig.Direction.OUTBOUND);
        assertThat(problems(loader, withJobSetting("direction: both")))
                .containsExactly("jobs.people.inbound: is required for direction both: the objects polled and the tables"
                        + " they go to");
        assertThat(problems(loader, withJobSetting("direction: inbound"))).contains(
                "jobs.people.inbound: is required for direction inbound: the objects polled and the tables they go to",
                "jobs.people.fields.Lead: the job polls no Lead: add it under inbound.objects with its table");
        assertThat(problems(loader, withJobSetting("direction: inbound\n    segment: all"))).contains(
                "jobs.people.segment: applies to jobs that send to Salesforce; this job's direction is inbound (use both)");
        assertThat(problems(loader, withJobSetting("direction: sideways")))
                .containsExactly("jobs.people.direction: 'sideways' is not one of outbound|inbound|both");
    }

    @Test
    void activitiesAreCheckedSettingBySettingAndReadWithTheirDefaults() {
        assertThat(problems(loader, withJobSetting("activities: {enabled: true}"))).containsExactly(
                "jobs.people.activities.source: is required (query, key, changedAt): the SQL the touchpoints come from");
        String src = "activities: {source: {query: \"SELECT * FROM touchpoint\", key: id, changedAt: occurred_at}";
        assertThat(problems(loader, withJobSetting(src + ", kinds: {sms: {subtype: Text}}}"))).containsExactly(
                "jobs.people.activities.kinds.sms.subtype: 'Text' is not one of Task|Email|ListEmail|Cadence|Call|LinkedIn");
        assertThat(problems(loader, withJobSetting(src + ", kinds: {fax: {subject: Fax}}}"))).singleElement().asString()
                .startsWith("jobs.people.activities.kinds.fax: needs type or subtype");
        assertThat(problems(loader, withJobSetting(src + ", person: \"person id\"}"))).singleElement().asString()
                .startsWith("jobs.people.activities.person: 'person id' is not a column name");
        assertThat(problems(loader, withJobSetting("dataSync: false"))).singleElement().asString()
                .startsWith("jobs.people.dataSync: is false and the job has no activities enabled");
        var a = loader.parse(withJobSetting(src + ", sender: sender_email, kinds: {sms: {type: Other}}}"), "s")
                .job("people").activities();
        assertThat(a.enabled()).isTrue();
        assertThat(a.includeContent()).isFalse();
        assertThat(a.personColumn()).isEqualTo("person_id");
        assertThat(a.occurredAtColumn()).isEqualTo("occurred_at");
        assertThat(a.externalIdField()).isEqualTo("Sfsync_Touchpoint_Id__c");
        assertThat(a.kinds()).containsKeys("email", "linkedin", "call", "sms");
        assertThat(a.kinds().get("sms").subtype()).isEqualTo("Task");
        assertThat(a.batchSize()).isEqualTo(1000);
        assertThat(loader.parse(withJobSetting("segment: all"), "s").job("people").syncsActivities()).isFalse();
    }

    @Test
    void aJobRunsTheShippedFlowUnlessItsRouteNamesADirectEndpoint() {
        assertThat(loader.parse(withJobSetting("segment: all"), "s").job("people").route()).isNull();
        assertThat(loader.parse(withJobSetting("route: direct:people-outbound.v2_eu"), "s").job("people").route())
                .isEqualTo("direct:people-outbound.v2_eu");
        for (String bad : new String[] {"people-outbound", "\"direct:\"", "\"direct:people outbound\"", "seda:people",
                "\"direct://people\""}) {
            String shown = bad.replace("\"", "");
            assertThat(problems(loader, withJobSetting("route: " + bad))).as(bad).containsExactly("jobs.people.route: '"
                    + shown + "' is not a direct: endpoint like direct:people-outbound (direct: and a name of letters,"
                    + " digits, '.', '_' and '-')");
        }
    }

    /** A bean transform for the tests above. */
    public static final class Shout implements io.sfsync.mapping.FieldTransform {
        @Override
        public Object apply(Object value, Map<String, Object> row) {
            return value == null ? null : value.toString().toUpperCase() + "!";
        }
    }

    /** Not usable as a bean: the mapping could not create it. */
    public static final class NoDefaultConstructor implements io.sfsync.mapping.FieldTransform {
        public NoDefaultConstructor(String ignored) {
        }

        @Override
        public Object apply(Object value, Map<String, Object> row) {
            return value;
        }
    }
}
