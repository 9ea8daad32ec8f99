package io.sfsync.emulator;

import static io.sfsync.emulator.RestClient.V;
import static io.sfsync.emulator.RestClient.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bulk API 1.0 on the wire: XML jobInfo and batchInfo, CSV batches processed in the background, results as
 * CSV or a result list, and its XML errors (InvalidSessionId, InvalidJob, InvalidBatch).
 */
class WireBulk1Test {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final String ASYNC = "/services/async/62.0";
    private static final Map<String, String> XML = Map.of("Content-Type", "application/xml; charset=utf-8");
    private static final Map<String, String> CSV = Map.of("Content-Type", "text/csv");

    private RestClient sf;

    @BeforeEach
    void login() {
        sf = new RestClient(SF.emulator()).login();
    }

    @Test
    void anInsertJobRunsItsBatchAndAnswersEachRowsOutcome() throws Exception {
        String job = open("insert", "Lead", null);

        RestClient.Reply batch = sf.call("POST", ASYNC + "/job/" + job + "/batch",
                "LastName,Company,Email\nTuring,Bletchley,alan@bletchley.example\nNoCompany,,x@y.example\n", CSV);
        assertThat(batch.status()).as(batch.raw().body()).isEqualTo(201);
        assertThat(tag(batch.raw().body(), "state")).isEqualTo("Queued");
        String id = tag(batch.raw().body(), "id");
        assertThat(id).startsWith("751");
        close(job);

        String info = awaitBatch(job, id);
        assertThat(tag(info, "state")).isEqualTo("Completed");
        assertThat(tag(info, "numberRecordsProcessed")).isEqualTo("2");
        assertThat(tag(info, "numberRecordsFailed")).isEqualTo("1");
        List<String> results = sf.get(ASYNC + "/job/" + job + "/batch/" + id + "/result").raw().body().lines().toList();
        assertThat(results.get(0)).isEqualTo("\"Id\",\"Success\",\"Created\",\"Error\"");
        assertThat(results.get(1)).matches("\"00Q\\w{15}\",\"true\",\"true\",\"\"");
        assertThat(results.get(2)).startsWith("\"\",\"false\",\"false\",\"REQUIRED_FIELD_MISSING:Required fields are missing: [Company]");
        String jobInfo = sf.get(ASYNC + "/job/" + job).raw().body();
        assertThat(tag(jobInfo, "state")).isEqualTo("Closed");
        assertThat(tag(jobInfo, "createdDate")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(tag(jobInfo, "numberBatchesCompleted")).isEqualTo("1");
        assertThat(sf.query("SELECT COUNT() FROM Lead").json().get("totalSize").asInt()).isEqualTo(1);
    }

    @Test
    void aQueryBatchAnswersAResultListAndItsRowsInCsv() throws Exception {
        sf.post(V + "/sobjects/Account", map("Name", "Acme, Inc."));
        sf.post(V + "/sobjects/Account", map("Name", "Globex"));
        String job = open("query", "Account", null);

        String batch = tag(sf.call("POST", ASYNC + "/job/" + job + "/batch", "SELECT Id, Name FROM Account ORDER BY Name",
                CSV).raw().body(), "id");
        assertThat(tag(awaitBatch(job, batch), "state")).isEqualTo("Completed");

        String list = sf.get(ASYNC + "/job/" + job + "/batch/" + batch + "/result").raw().body();
        assertThat(list).contains("<result-list");
        String result = tag(list, "result");
        List<String> rows = sf.get(ASYNC + "/job/" + job + "/batch/" + batch + "/result/" + result).raw().body()
                .lines().toList();
        assertThat(rows.get(0)).isEqualTo("\"Id\",\"Name\"");
        assertThat(rows.get(1)).endsWith(",\"Acme, Inc.\"");
        assertThat(rows).hasSize(3);
    }

    @Test
    void upsertOnAnExternalIdAndABadColumnFailsTheBatch() throws Exception {
        String job = open("upsert", "Lead", "Sfsync_Person_Id__c");
        String good = tag(sf.call("POST", ASYNC + "/job/" + job + "/batch",
                "Sfsync_Person_Id__c,LastName,Company\np-1,One,C\np-1,Again,C\n", CSV).raw().body(), "id");
        String bad = tag(sf.call("POST", ASYNC + "/job/" + job + "/batch", "Shoe_Size__c\n9\n", CSV).raw().body(), "id");

        assertThat(tag(awaitBatch(job, good), "state")).isEqualTo("Completed");
        String failed = awaitBatch(job, bad);
        assertThat(tag(failed, "state")).isEqualTo("Failed");
        assertThat(tag(failed, "stateMessage")).contains("Shoe_Size__c");
        assertThat(failed.indexOf("<stateMessage>")).as("right after state, as the schema orders it")
                .isEqualTo(failed.indexOf("</state>") + "</state>".length());
        List<String> results = sf.get(ASYNC + "/job/" + job + "/batch/" + good + "/result").raw().body().lines().toList();
        assertThat(results.get(1)).contains("\"true\",\"true\"");
        assertThat(results.get(2)).contains("\"true\",\"false\""); // the second row updated the first one's record
        assertThat(sf.query("SELECT LastName FROM Lead").json().get("records").findValuesAsText("LastName"))
                .containsExactly("Again");
    }

    @Test
    void errorsAreBulkApiXml() {
        RestClient.Reply noSession = new RestClient(SF.emulator()).call("GET", ASYNC + "/job/750000000000000AAA", null,
                Map.of("X-SFDC-Session", "not-a-session"));
        assertThat(noSession.status()).isEqualTo(400);
        assertThat(noSession.raw().body()).contains("<exceptionCode>InvalidSessionId</exceptionCode>");
        RestClient.Reply badOperation = sf.call("POST", ASYNC + "/job", jobXml("merge", "Lead", null), XML);
        assertThat(badOperation.status()).isEqualTo(400);
        assertThat(tag(badOperation.raw().body(), "exceptionCode")).isEqualTo("InvalidJob");
        String job = open("insert", "Lead", null);
        RestClient.Reply empty = sf.call("POST", ASYNC + "/job/" + job + "/batch", "", CSV);
        assertThat(tag(empty.raw().body(), "exceptionCode")).isEqualTo("ClientInputError");
        close(job);
        RestClient.Reply late = sf.call("POST", ASYNC + "/job/" + job + "/batch", "LastName,Company\nX,Y\n", CSV);
        assertThat(late.status()).isEqualTo(400);
        assertThat(tag(late.raw().body(), "exceptionCode")).isEqualTo("InvalidJobState");
    }

    private String open(String operation, String object, String externalId) {
        RestClient.Reply r = sf.call("POST", ASYNC + "/job", jobXml(operation, object, externalId), XML);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        assertThat(tag(r.raw().body(), "state")).isEqualTo("Open");
        return tag(r.raw().body(), "id");
    }

    private void close(String job) {
        RestClient.Reply r = sf.call("POST", ASYNC + "/job/" + job, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<jobInfo xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\"><state>Closed</state></jobInfo>", XML);
        assertThat(tag(r.raw().body(), "state")).isEqualTo("Closed");
    }

    private static String jobXml(String operation, String object, String externalId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><jobInfo xmlns=\"http://www.force.com/2009/06/asyncapi/dataload\">"
                + "<operation>" + operation + "</operation><object>" + object + "</object>"
                + (externalId == null ? "" : "<externalIdFieldName>" + externalId + "</externalIdFieldName>")
                + "<contentType>CSV</contentType></jobInfo>";
    }

    private String awaitBatch(String job, String batch) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (true) {
            String info = sf.get(ASYNC + "/job/" + job + "/batch/" + batch).raw().body();
            if (List.of("Completed", "Failed", "NotProcessed").contains(tag(info, "state"))) {
                return info;
            }
            assertThat(System.currentTimeMillis()).as("batch still " + tag(info, "state")).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }
}
