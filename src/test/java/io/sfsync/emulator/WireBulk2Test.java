package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** Bulk API 2.0 ingest on the wire: job lifecycle, CSV upload, result CSVs, upsert, failures and abort. */
class WireBulk2Test {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final long JOB_TIMEOUT_MS = 5_000;

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    @Test
    void createdJobIsOpenWithAContentUrlWithoutLeadingSlash() {
        RestClient.Reply r = sf.post(V + "/jobs/ingest", job("Lead", "insert"));

        assertThat(r.status()).isEqualTo(200);
        String id = r.json().get("id").asText();
        assertThat(id).startsWith("750").hasSize(18);
        assertThat(r.json().get("state").asText()).isEqualTo("Open");
        assertThat(r.json().get("object").asText()).isEqualTo("Lead");
        assertThat(r.json().get("operation").asText()).isEqualTo("insert");
        assertThat(r.json().get("contentUrl").asText()).isEqualTo("services/data/v62.0/jobs/ingest/" + id + "/batches");
    }

    @Test
    void insertJobRunsToJobCompleteWithSuccessfulAndFailedResults() {
        JsonNode job = open("Lead", "insert");

        RestClient.Reply upload = upload(job, """
                LastName,Company,Email
                Turing,Bletchley,alan@bletchley.example
                NoCompany,,x@y.example
                """);
        assertThat(upload.status()).isEqualTo(201);
        RestClient.Reply close = sf.patch(jobPath(job), map("state", "UploadComplete"));
        assertThat(close.status()).isEqualTo(200);
        // Salesforce answers "UploadComplete"; the emulator's worker may already have moved the job on
        assertThat(close.json().get("state").asText()).isIn("UploadComplete", "InProgress", "JobComplete");

        JsonNode done = awaitFinished(job);
        assertThat(done.get("state").asText()).isEqualTo("JobComplete");
        assertThat(done.get("numberRecordsProcessed").asInt()).isEqualTo(2);
        assertThat(done.get("numberRecordsFailed").asInt()).isEqualTo(1);

        List<String> ok = csvLines(sf.get(jobPath(job) + "/successfulResults"));
        assertThat(ok.get(0)).startsWith("\"sf__Id\",\"sf__Created\",");
        assertThat(cells(ok.get(0))).containsExactly("sf__Id", "sf__Created", "LastName", "Company", "Email");
        assertThat(ok).hasSize(2);
        assertThat(cells(ok.get(1)).get(0)).matches("00Q[0-9A-Za-z]{15}");
        assertThat(cells(ok.get(1)).subList(1, 5)).containsExactly("true", "Turing", "Bletchley", "alan@bletchley.example");

        List<String> failed = csvLines(sf.get(jobPath(job) + "/failedResults"));
        assertThat(failed.get(0)).startsWith("\"sf__Id\",\"sf__Error\",");
        assertThat(cells(failed.get(0))).containsExactly("sf__Id", "sf__Error", "LastName", "Company", "Email");
        assertThat(failed).hasSize(2);
        assertThat(cells(failed.get(1)).get(0)).isEmpty();
        assertThat(cells(failed.get(1)).get(1)).startsWith("REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:");
        assertThat(count("Lead")).isEqualTo(1);
    }

    @Test
    void failedResultErrorEndsWithTheFieldsThenSpaceDashDash() {
        JsonNode job = runToEnd("Lead", "insert", "LastName,Company\nNoCompany,\n");

        List<String> failed = csvLines(sf.get(jobPath(job) + "/failedResults"));

        // Salesforce: "CODE:message:fields --" (jsforce's live-org test expects "...: [Name]:Name --")
        assertThat(cells(failed.get(1)).get(1))
                .isEqualTo("REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --");
    }

    @Test
    void upsertJobMatchesOnTheExternalId() {
        sf.patch(V + "/sobjects/Lead/Sfsync_Person_Id__c/p-1", map("LastName", "Old", "Company", "C"));
        RestClient.Reply created = sf.post(V + "/jobs/ingest",
                map("object", "Lead", "operation", "upsert", "externalIdFieldName", "Sfsync_Person_Id__c",
                        "contentType", "CSV", "lineEnding", "LF"));
        assertThat(created.json().get("externalIdFieldName").asText()).isEqualTo("Sfsync_Person_Id__c");
        JsonNode job = created.json();
        upload(job, "Sfsync_Person_Id__c,LastName,Company\np-1,Updated,C\np-2,New,C\n");
        sf.patch(jobPath(job), map("state", "UploadComplete"));

        assertThat(awaitFinished(job).get("state").asText()).isEqualTo("JobComplete");

        List<String> ok = csvLines(sf.get(jobPath(job) + "/successfulResults"));
        assertThat(ok).hasSize(3);
        assertThat(cells(ok.get(1)).subList(1, 4)).containsExactly("false", "p-1", "Updated");
        assertThat(cells(ok.get(2)).subList(1, 4)).containsExactly("true", "p-2", "New");
        assertThat(sf.query("SELECT LastName FROM Lead ORDER BY LastName").json().get("records")
                .findValuesAsText("LastName")).containsExactly("New", "Updated");
    }

    @Test
    void unknownColumnFailsTheJobWithAnErrorMessage() {
        JsonNode done = runToEnd("Lead", "insert", "LastName,Company,Shoe_Size__c\nDoe,C,9\n");

        assertThat(done.get("state").asText()).isEqualTo("Failed");
        assertThat(done.get("errorMessage").asText()).contains("Shoe_Size__c");
        assertThat(count("Lead")).isZero();
    }

    @Test
    void uploadAfterTheJobIsClosedIsRejectedWith400() {
        JsonNode job = open("Lead", "insert");
        upload(job, "LastName,Company\nDoe,C\n");
        sf.patch(jobPath(job), map("state", "UploadComplete"));

        RestClient.Reply late = upload(job, "LastName,Company\nLate,C\n");

        assertThat(late.status()).isEqualTo(400);
        awaitFinished(job);
        assertThat(count("Lead")).isEqualTo(1);
    }

    @Test
    void abortedJobIsNeverProcessed() {
        JsonNode job = open("Lead", "insert");
        upload(job, "LastName,Company\nDoe,C\n");

        RestClient.Reply abort = sf.patch(jobPath(job), map("state", "Aborted"));

        assertThat(abort.status()).isEqualTo(200);
        assertThat(abort.json().get("state").asText()).isEqualTo("Aborted");
        assertThat(sf.get(jobPath(job)).json().get("state").asText()).isEqualTo("Aborted");
        assertThat(count("Lead")).isZero();
    }

    @Test
    void backquoteDelimitedUploadIsParsedWithItsDelimiterAndAnsweredInIt() {
        RestClient.Reply created = sf.post(V + "/jobs/ingest", map("object", "Lead", "operation", "insert",
                "contentType", "CSV", "lineEnding", "CRLF", "columnDelimiter", "BACKQUOTE"));
        assertThat(created.json().get("columnDelimiter").asText()).isEqualTo("BACKQUOTE");
        JsonNode job = created.json();
        // a comma inside a value is only a comma when the columns are split on backquotes
        upload(job, "LastName`Company`Email\r\nTuring`Bletchley, Park`alan@bletchley.example\r\nNoCompany``x@y.example\r\n");
        sf.patch(jobPath(job), map("state", "UploadComplete"));

        JsonNode done = awaitFinished(job);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("JobComplete");
        assertThat(done.get("numberRecordsFailed").asInt()).isEqualTo(1);
        assertThat(sf.query("SELECT Company FROM Lead").json().get("records").findValuesAsText("Company"))
                .containsExactly("Bletchley, Park");
        List<String> ok = csvLines(sf.get(jobPath(job) + "/successfulResults"));
        assertThat(ok.get(0)).isEqualTo("\"sf__Id\"`\"sf__Created\"`\"LastName\"`\"Company\"`\"Email\"");
        assertThat(ok.get(1)).endsWith("`\"true\"`\"Turing\"`\"Bletchley, Park\"`\"alan@bletchley.example\"");
        assertThat(csvLines(sf.get(jobPath(job) + "/failedResults")).get(1)).contains("`\"NoCompany\"`");
    }

    @Test
    void upsertOnIdInsertsTheRowsWithoutOneAndUpdatesTheOthers() {
        String id = sf.post(V + "/sobjects/Account", map("Name", "Old")).json().get("id").asText();
        RestClient.Reply created = sf.post(V + "/jobs/ingest", map("object", "Account", "operation", "upsert",
                "externalIdFieldName", "Id", "contentType", "CSV"));
        JsonNode job = created.json();
        upload(job, "Id,Name\n" + id + ",Renamed\n,Brand new\n");
        sf.patch(jobPath(job), map("state", "UploadComplete"));

        JsonNode done = awaitFinished(job);
        assertThat(done.get("numberRecordsFailed").asInt()).as(done.toString()).isZero();
        assertThat(sf.query("SELECT Name FROM Account ORDER BY Name").json().get("records").findValuesAsText("Name"))
                .containsExactly("Brand new", "Renamed");
    }

    @Test
    void unknownColumnDelimiterIsRefusedWhenTheJobIsCreated() {
        RestClient.Reply r = sf.post(V + "/jobs/ingest", map("object", "Lead", "operation", "insert",
                "contentType", "CSV", "columnDelimiter", "COLON"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.raw().body()).contains("columnDelimiter COLON");
    }

    // ---- builders and helpers ----

    private static Map<String, Object> job(String object, String operation) {
        return map("object", object, "operation", operation, "contentType", "CSV", "lineEnding", "LF");
    }

    private JsonNode open(String object, String operation) {
        RestClient.Reply r = sf.post(V + "/jobs/ingest", job(object, operation));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return r.json();
    }

    private RestClient.Reply upload(JsonNode job, String csv) {
        return sf.call("PUT", "/" + job.get("contentUrl").asText(), csv, Map.of("Content-Type", "text/csv"));
    }

    private JsonNode runToEnd(String object, String operation, String csv) {
        JsonNode job = open(object, operation);
        upload(job, csv);
        sf.patch(jobPath(job), map("state", "UploadComplete"));
        return awaitFinished(job);
    }

    private static String jobPath(JsonNode job) {
        return V + "/jobs/ingest/" + job.get("id").asText();
    }

    /** Polls the job, as clients do, until it leaves UploadComplete/InProgress; bounded by JOB_TIMEOUT_MS. */
    private JsonNode awaitFinished(JsonNode job) {
        long deadline = System.currentTimeMillis() + JOB_TIMEOUT_MS;
        while (true) {
            JsonNode info = sf.get(jobPath(job)).json();
            String state = info.get("state").asText();
            if (List.of("JobComplete", "Failed", "Aborted").contains(state)) {
                return info;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("job " + info.get("id").asText() + " still " + state + " after "
                        + JOB_TIMEOUT_MS + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<String> csvLines(RestClient.Reply r) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/csv");
        return r.raw().body().lines().toList();
    }

    /** The cells of one result line, quoted or not (the test data has no commas or quotes inside values). */
    private static List<String> cells(String line) {
        return Arrays.stream(line.split(",", -1)).map(c -> c.replaceAll("^\"|\"$", "")).toList();
    }

    private int count(String object) {
        return sf.query("SELECT COUNT() FROM " + object).json().get("totalSize").asInt();
    }
}
