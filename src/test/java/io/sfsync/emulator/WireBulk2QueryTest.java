package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bulk API 2.0 query jobs on the wire: the job's lifecycle and info, CSV result sets paged with
 * maxRecords and Sforce-Locator, queryAll, a snapshot taken when the job runs, failures, abort, delete
 * and the errors for each.
 */
class WireBulk2QueryTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final long JOB_TIMEOUT_MS = 5_000;
    private static final String JOBS = V + "/jobs/query";

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    @Test
    void createdJobIsUploadCompleteAndRunsToJobCompleteWithItsInfo() {
        seedLeads(3);

        RestClient.Reply created = sf.post(JOBS, map("operation", "query", "query", "SELECT Id, LastName FROM lead"));

        assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        JsonNode job = created.json();
        assertThat(job.get("id").asText()).startsWith("750").hasSize(18);
        assertThat(job.get("operation").asText()).isEqualTo("query");
        assertThat(job.get("object").asText()).isEqualTo("Lead");
        assertThat(job.get("createdById").asText()).isEqualTo(SF.emulator().org().integrationUserId());
        assertThat(job.get("createdDate").asText())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");
        assertThat(job.get("systemModstamp").asText()).isNotEmpty();
        // Salesforce answers "UploadComplete"; the emulator's worker may already have moved the job on
        assertThat(job.get("state").asText()).isIn("UploadComplete", "InProgress", "JobComplete");
        assertThat(job.get("concurrencyMode").asText()).isEqualTo("Parallel");
        assertThat(job.get("contentType").asText()).isEqualTo("CSV");
        assertThat(job.get("apiVersion").asDouble()).isEqualTo(62.0);
        assertThat(job.get("lineEnding").asText()).isEqualTo("LF");
        assertThat(job.get("columnDelimiter").asText()).isEqualTo("COMMA");

        JsonNode done = awaitFinished(job);
        assertThat(done.get("state").asText()).isEqualTo("JobComplete");
        assertThat(done.get("jobType").asText()).isEqualTo("V2Query");
        assertThat(done.get("numberRecordsProcessed").asInt()).isEqualTo(3);
        assertThat(done.get("retries").asInt()).isZero();
        assertThat(done.get("totalProcessingTime").asLong()).isNotNegative();
        assertThat(done.has("errorMessage")).isFalse();

        JsonNode all = sf.get(JOBS).json();
        assertThat(all.get("done").asBoolean()).isTrue();
        assertThat(all.get("records").findValuesAsText("id")).containsExactly(job.get("id").asText());
        assertThat(all.at("/records/0/jobType").asText()).isEqualTo("V2Query");
        assertThat(sf.get(JOBS + "?jobType=V2Ingest").json().get("records")).isEmpty();

        RestClient.Reply results = results(job, "");
        assertThat(results.header("Sforce-NumberOfRecords")).isEqualTo("3");
        assertThat(results.header("Sforce-Locator")).isEqualTo("null");
        List<String> lines = results.raw().body().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("\"Id\",\"LastName\"");
        assertThat(lines.get(1)).matches("\"00Q[0-9A-Za-z]{15}\",\"L0\"");
    }

    @Test
    void resultSetsOfMaxRecordsFollowedByTheirLocatorsHoldEveryRecordOnce() {
        Set<String> seeded = new HashSet<>(seedLeads(25).values());
        JsonNode job = runToEnd("query", "SELECT Id, LastName FROM Lead ORDER BY LastName");

        List<String> ids = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        String locator = null;
        int sets = 0;
        do {
            RestClient.Reply set = results(job, "?maxRecords=10" + (locator == null ? "" : "&locator=" + locator));
            List<String> lines = set.raw().body().lines().toList();
            assertThat(lines.get(0)).as("every set starts with the header").isEqualTo("\"Id\",\"LastName\"");
            lines.subList(1, lines.size()).forEach(l -> ids.add(cells(l).get(0)));
            counts.add(set.header("Sforce-NumberOfRecords"));
            locator = set.header("Sforce-Locator");
            sets++;
        } while (!"null".equals(locator) && sets < 10);

        assertThat(sets).isEqualTo(3);
        assertThat(counts).containsExactly("10", "10", "5");
        assertThat(ids).hasSize(25).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(seeded);
    }

    @Test
    void aLocatorFetchesTheSameSetAgainAndTheSetsFollowTheQuerysOrder() {
        seedLeads(5);
        JsonNode job = runToEnd("query", "SELECT LastName FROM Lead ORDER BY LastName DESC");
        String second = results(job, "?maxRecords=2").header("Sforce-Locator");

        RestClient.Reply once = results(job, "?maxRecords=2&locator=" + second);
        RestClient.Reply again = results(job, "?maxRecords=2&locator=" + second);

        assertThat(again.raw().body()).isEqualTo(once.raw().body()).isEqualTo("\"LastName\"\n\"L2\"\n\"L1\"\n");
        assertThat(results(job, "?locator=" + second).raw().body()).isEqualTo("\"LastName\"\n\"L2\"\n\"L1\"\n\"L0\"\n");
    }

    @Test
    void csvNamesRelationshipPathsQuotesEveryValueAndLeavesNullsEmpty() {
        Map<String, List<Map<String, Object>>> org = new LinkedHashMap<>();
        org.put("User", List.of(map("_ref", "ana", "Email", "ana@corp.example", "LastName", "Silva")));
        org.put("Account", List.of(map("_ref", "acme", "Name", "Acme, \"the\" company", "OwnerId", "@ana")));
        org.put("Contact", List.of(map("LastName", "Doe", "AccountId", "@acme", "OwnerId", "@ana",
                "Sfsync_Person_Id__c", "p-1")));
        SF.emulator().seed(org);

        JsonNode job = runToEnd("query", "SELECT c.LastName, c.Title, account.name, Account.Owner.Email, owner.email,"
                + " IsDeleted, CreatedDate FROM Contact c");

        List<String> lines = results(job, "").raw().body().lines().toList();
        assertThat(lines.get(0)).isEqualTo(
                "\"LastName\",\"Title\",\"Account.Name\",\"Account.Owner.Email\",\"Owner.Email\",\"IsDeleted\","
                        + "\"CreatedDate\"");
        assertThat(lines.get(1)).matches("\"Doe\",,\"Acme, \"\"the\"\" company\",\"ana@corp.example\","
                + "\"ana@corp.example\",\"false\",\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\"");
    }

    @Test
    void anEmptyReferenceLeavesItsParentsColumnsEmpty() {
        SF.emulator().seed(Map.of("Contact", List.of(map("LastName", "Orphan"))));

        JsonNode job = runToEnd("query", "SELECT LastName, Account.Name FROM Contact");

        assertThat(results(job, "").raw().body()).isEqualTo("\"LastName\",\"Account.Name\"\n\"Orphan\",\n");
    }

    @Test
    void anEmptyResultIsTheHeaderAlone() {
        JsonNode job = runToEnd("query", "SELECT Id, Email FROM Lead");

        RestClient.Reply r = results(job, "");

        assertThat(r.raw().body()).isEqualTo("\"Id\",\"Email\"\n");
        assertThat(r.header("Sforce-NumberOfRecords")).isEqualTo("0");
        assertThat(r.header("Sforce-Locator")).isEqualTo("null");
    }

    @Test
    void theColumnDelimiterAndLineEndingShapeTheCsv() {
        seedLeads(2);
        JsonNode job = sf.post(JOBS, map("operation", "query", "query",
                "SELECT LastName, Company FROM Lead ORDER BY LastName", "columnDelimiter", "PIPE", "lineEnding", "CRLF"))
                .json();
        assertThat(job.get("columnDelimiter").asText()).isEqualTo("PIPE");
        assertThat(job.get("lineEnding").asText()).isEqualTo("CRLF");
        awaitFinished(job);

        assertThat(results(job, "").raw().body())
                .isEqualTo("\"LastName\"|\"Company\"\r\n\"L0\"|\"C\"\r\n\"L1\"|\"C\"\r\n");
    }

    @Test
    void queryAllSeesDeletedRecordsAndQueryDoesNot() {
        Map<String, String> ids = seedLeads(2);
        assertThat(sf.delete(V + "/sobjects/Lead/" + ids.get("l1")).status()).isEqualTo(204);

        JsonNode live = runToEnd("query", "SELECT Id, IsDeleted FROM Lead ORDER BY LastName");
        JsonNode all = runToEnd("queryAll", "SELECT Id, IsDeleted FROM Lead ORDER BY LastName");

        assertThat(live.get("numberRecordsProcessed").asInt()).isEqualTo(1);
        assertThat(results(live, "").raw().body().lines().skip(1).toList())
                .containsExactly("\"" + ids.get("l0") + "\",\"false\"");
        assertThat(all.get("operation").asText()).isEqualTo("queryAll");
        assertThat(results(all, "").raw().body().lines().skip(1).toList())
                .containsExactly("\"" + ids.get("l0") + "\",\"false\"", "\"" + ids.get("l1") + "\",\"true\"");
    }

    @Test
    void resultsAreTheSnapshotTakenWhenTheJobRan() {
        Map<String, String> ids = seedLeads(2);
        JsonNode job = runToEnd("query", "SELECT LastName FROM Lead ORDER BY LastName");

        sf.patch(V + "/sobjects/Lead/" + ids.get("l0"), map("LastName", "Renamed"));
        seedLeads(1);

        assertThat(results(job, "").raw().body()).isEqualTo("\"LastName\"\n\"L0\"\n\"L1\"\n");
    }

    @Test
    void soqlThatDoesNotRunFailsTheJobWithAnErrorMessage() {
        JsonNode unknownField = runToEnd("query", "SELECT Id, Shoe_Size__c FROM Lead");
        JsonNode malformed = runToEnd("query", "SELEC Id FROM Lead");
        JsonNode unknownObject = runToEnd("query", "SELECT Id FROM Shoe__c");

        assertThat(unknownField.get("state").asText()).isEqualTo("Failed");
        assertThat(unknownField.get("errorMessage").asText()).contains("INVALID_FIELD").contains("Shoe_Size__c");
        assertThat(malformed.get("state").asText()).isEqualTo("Failed");
        assertThat(malformed.get("errorMessage").asText()).contains("MALFORMED_QUERY");
        assertThat(unknownObject.get("errorMessage").asText()).contains("INVALID_TYPE");
        RestClient.Reply r = sf.get(JOBS + "/" + unknownField.get("id").asText() + "/results");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
    }

    @Test
    void clausesBulkApiDoesNotRunFailTheJob() {
        for (String soql : List.of("SELECT COUNT() FROM Lead", "SELECT MAX(LastName) FROM Lead",
                "SELECT LastName FROM Lead GROUP BY LastName",
                "SELECT LastName FROM Lead ORDER BY LastName OFFSET 1",
                "SELECT Name, (SELECT LastName FROM Contacts) FROM Account",
                "SELECT BillingAddress FROM Account")) { // compound data, even with no Account to read
            JsonNode job = runToEnd("query", soql);
            assertThat(job.get("state").asText()).as(soql).isEqualTo("Failed");
            assertThat(job.get("errorMessage").asText()).as(soql).contains("not supported");
        }
        // ORDER BY and LIMIT are supported (they only slow a real org down)
        seedLeads(3);
        JsonNode limited = runToEnd("query", "SELECT LastName FROM Lead ORDER BY LastName DESC LIMIT 2");
        assertThat(results(limited, "").raw().body()).isEqualTo("\"LastName\"\n\"L2\"\n\"L1\"\n");
    }

    @Test
    void anAbortedJobNeverRunsAndCanThenBeDeleted() throws Exception {
        seedLeads(1);
        CountDownLatch release = holdTheWorker();
        JsonNode job;
        try {
            job = sf.post(JOBS, map("operation", "query", "query", "SELECT Id FROM Lead")).json();
            assertThat(job.get("state").asText()).isEqualTo("UploadComplete");

            RestClient.Reply abort = sf.patch(path(job), map("state", "Aborted"));

            assertThat(abort.status()).isEqualTo(200);
            assertThat(abort.json().get("state").asText()).isEqualTo("Aborted");
        } finally {
            release.countDown();
        }
        awaitWorkerIdle();
        JsonNode info = sf.get(path(job)).json();
        assertThat(info.get("state").asText()).isEqualTo("Aborted");
        assertThat(info.get("numberRecordsProcessed").asInt()).isZero();
        assertThat(sf.get(path(job) + "/results").json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");

        assertThat(sf.delete(path(job)).status()).isEqualTo(204);
        assertThat(sf.get(path(job)).status()).isEqualTo(404);
        assertThat(sf.get(JOBS).json().get("records")).isEmpty();
    }

    @Test
    void aJobNotYetFinishedCannotBeDeletedNorItsResultsRead() throws Exception {
        CountDownLatch release = holdTheWorker();
        try {
            JsonNode job = sf.post(JOBS, map("operation", "query", "query", "SELECT Id FROM Lead")).json();

            RestClient.Reply delete = sf.delete(path(job));
            RestClient.Reply results = sf.get(path(job) + "/results");

            assertThat(delete.status()).isEqualTo(400);
            assertThat(delete.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
            assertThat(delete.json().at("/0/message").asText())
                    .isEqualTo("Error encountered when deleting the job because the job is not terminated");
            assertThat(results.status()).isEqualTo(400);
            assertThat(results.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFinishedJobCannotBeAbortedButCanBeDeleted() {
        JsonNode job = runToEnd("query", "SELECT Id FROM Lead");

        RestClient.Reply abort = sf.patch(path(job), map("state", "Aborted"));
        RestClient.Reply otherState = sf.patch(path(job), map("state", "UploadComplete"));

        assertThat(abort.status()).isEqualTo(400);
        assertThat(abort.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
        assertThat(otherState.status()).isEqualTo(400);
        assertThat(otherState.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
        assertThat(sf.get(path(job)).json().get("state").asText()).isEqualTo("JobComplete");
        assertThat(sf.delete(path(job)).status()).isEqualTo(204);
    }

    @Test
    void anUnknownJobIdIsNotFound() {
        JsonNode ingest = sf.post(V + "/jobs/ingest", map("object", "Lead", "operation", "insert")).json();
        String unknown = JOBS + "/750000000000000AAA";

        for (RestClient.Reply r : List.of(sf.get(unknown), sf.get(unknown + "/results"),
                sf.patch(unknown, map("state", "Aborted")), sf.delete(unknown),
                sf.get(JOBS + "/" + ingest.get("id").asText()))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().at("/0/errorCode").asText()).isEqualTo("NOT_FOUND");
            assertThat(r.json().at("/0/message").asText()).isEqualTo("The requested resource does not exist");
        }
    }

    @Test
    void aRequestBulkApiCannotTakeIsRefused() {
        JsonNode job = runToEnd("query", "SELECT Id FROM Lead");

        RestClient.Reply insert = sf.post(JOBS, map("operation", "insert", "query", "SELECT Id FROM Lead"));
        RestClient.Reply noQuery = sf.post(JOBS, map("operation", "query"));
        RestClient.Reply delimiter = sf.post(JOBS, map("operation", "query", "query", "SELECT Id FROM Lead",
                "columnDelimiter", "COLON"));
        RestClient.Reply zero = results(job, "?maxRecords=0", 400);
        RestClient.Reply locator = results(job, "?locator=not-a-locator", 400);

        assertThat(insert.json().at("/0/errorCode").asText()).isEqualTo("INVALIDJOB");
        assertThat(noQuery.json().at("/0/errorCode").asText()).isEqualTo("INVALIDJOB");
        assertThat(delimiter.status()).isEqualTo(400);
        assertThat(delimiter.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
        assertThat(zero.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
        assertThat(locator.json().at("/0/errorCode").asText()).isEqualTo("API_ERROR");
        assertThat(sf.get(JOBS).json().get("records")).hasSize(1);
    }

    @Test
    void eachCallIsOneApiCall() {
        seedLeads(5);
        long before = SF.emulator().limits().used();

        JsonNode job = sf.post(JOBS, map("operation", "query", "query", "SELECT Id FROM Lead")).json();
        int polls = awaitFinishedCountingPolls(job);
        results(job, "?maxRecords=2");
        sf.get(JOBS);
        sf.delete(path(job));

        assertThat(SF.emulator().limits().used() - before).isEqualTo(1 + polls + 1 + 1 + 1);
        assertThat(SF.emulator().calls().snapshot()).containsEntry("POST /jobs/query", 1L)
                .containsEntry("GET /jobs/query/{id}/results", 1L).containsEntry("DELETE /jobs/query/{id}", 1L);
    }

    // ---- builders and helpers ----

    /** Leads L0, L1, ... (refs l0, l1, ...), all of Company C. */
    private Map<String, String> seedLeads(int n) {
        List<Map<String, Object>> leads = new ArrayList<>();
        int first = SF.emulator().org().store().count("Lead");
        for (int i = first; i < first + n; i++) {
            leads.add(map("_ref", "l" + i, "LastName", "L" + i, "Company", "C"));
        }
        return SF.emulator().seed(Map.of("Lead", leads));
    }

    private JsonNode runToEnd(String operation, String soql) {
        RestClient.Reply r = sf.post(JOBS, map("operation", operation, "query", soql));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return awaitFinished(r.json());
    }

    private static String path(JsonNode job) {
        return JOBS + "/" + job.get("id").asText();
    }

    private RestClient.Reply results(JsonNode job, String params) {
        RestClient.Reply r = results(job, params, 200);
        assertThat(r.header("Content-Type")).startsWith("text/csv");
        return r;
    }

    private RestClient.Reply results(JsonNode job, String params, int status) {
        RestClient.Reply r = sf.get(path(job) + "/results" + params);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        return r;
    }

    private JsonNode awaitFinished(JsonNode job) {
        awaitFinishedCountingPolls(job);
        return sf.get(path(job)).json();
    }

    /** Polls the job, as clients do, until it is JobComplete, Failed or Aborted; bounded by JOB_TIMEOUT_MS. */
    private int awaitFinishedCountingPolls(JsonNode job) {
        long deadline = System.currentTimeMillis() + JOB_TIMEOUT_MS;
        int polls = 0;
        while (true) {
            JsonNode info = sf.get(path(job)).json();
            polls++;
            String state = info.get("state").asText();
            if (List.of("JobComplete", "Failed", "Aborted").contains(state)) {
                return polls;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("job " + info.get("id").asText() + " still " + state + " after "
                        + JOB_TIMEOUT_MS + " ms");
            }
            sleep(20);
        }
    }

    /** Keeps the Bulk API worker busy until the latch is released, so that a new job stays UploadComplete. */
    private static CountDownLatch holdTheWorker() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SF.emulator().onBulkWorker(() -> {
            held.countDown();
            try {
                release.await(JOB_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(JOB_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
        return release;
    }

    /** Returns once the worker has run everything queued before this call. */
    private static void awaitWorkerIdle() throws InterruptedException {
        CountDownLatch idle = new CountDownLatch(1);
        SF.emulator().onBulkWorker(idle::countDown);
        assertThat(idle.await(JOB_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    }

    /** The cells of a result line whose values hold no delimiter or quote. */
    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        for (String c : line.split(",", -1)) {
            out.add(c.replaceAll("^\"|\"$", ""));
        }
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
