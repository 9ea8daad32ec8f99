package io.sfsync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.Limits;
import org.apache.camel.component.salesforce.api.dto.bulkv2.Job;
import org.apache.camel.component.salesforce.api.dto.bulkv2.JobStateEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.OperationEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.QueryJob;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real camel-salesforce component, over HTTP, against the emulator: every operation the sync
 * uses, and the emulator's answers as the component sees them.
 */
class CamelSalesforceClientTest {
    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private final ObjectMapper mapper = new ObjectMapper();
    private CamelContext camel;
    private ProducerTemplate template;

    @BeforeEach
    void startCamel() throws Exception {
        SalesforceEmulator emulator = SF.emulator();
        SalesforceComponent sf = new SalesforceComponent();
        sf.setLoginUrl(emulator.loginUrl());
        sf.setClientId(emulator.credentials().clientId());
        sf.setClientSecret(emulator.credentials().clientSecret());
        sf.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
        SalesforceEndpointConfig config = new SalesforceEndpointConfig();
        config.setApiVersion("62.0");
        sf.setConfig(config);
        camel = new DefaultCamelContext();
        camel.addComponent("salesforce", sf);
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    private JsonNode call(String uri, Object body, Map<String, Object> headers) throws Exception {
        Object out = template.requestBodyAndHeaders(uri, body, headers);
        if (out instanceof java.io.InputStream in) {
            return mapper.readTree(in);
        }
        return out instanceof String s ? mapper.readTree(s) : mapper.valueToTree(out);
    }

    private JsonNode call(String uri, Object body) throws Exception {
        return call(uri, body, Map.of());
    }

    @Test
    void createsReadsUpdatesAndDeletesARecord() throws Exception {
        JsonNode created = call("salesforce:createSObject?sObjectName=Lead&rawPayload=true",
                "{\"LastName\":\"Lovelace\",\"Company\":\"Analytical Engines\",\"Email\":\"ada@engines.example\"}");
        String id = created.get("id").asText();
        assertThat(id).startsWith("00Q").hasSize(18);
        assertThat(created.get("success").asBoolean()).isTrue();

        JsonNode read = call("salesforce:getSObject?sObjectName=Lead&rawPayload=true&sObjectFields=Id,Email,Status",
                null, Map.of("sObjectId", id));
        assertThat(read.get("Email").asText()).isEqualTo("ada@engines.example");
        assertThat(read.get("Status").asText()).isEqualTo("Open - Not Contacted");

        call("salesforce:updateSObject?sObjectName=Lead&rawPayload=true", "{\"Title\":\"Countess\"}",
                Map.of("sObjectId", id));
        JsonNode q = call("salesforce:query?rawPayload=true", null,
                Map.of("sObjectQuery", "SELECT Title FROM Lead WHERE Id = '" + id + "'"));
        assertThat(q.at("/records/0/Title").asText()).isEqualTo("Countess");

        call("salesforce:deleteSObject?sObjectName=Lead&rawPayload=true", null, Map.of("sObjectId", id));
        assertThat(call("salesforce:query?rawPayload=true", null,
                Map.of("sObjectQuery", "SELECT COUNT() FROM Lead")).get("totalSize").asInt()).isZero();
        assertThat(call("salesforce:queryAll?rawPayload=true", null,
                Map.of("sObjectQuery", "SELECT Id, IsDeleted FROM Lead")).at("/records/0/IsDeleted").asBoolean()).isTrue();
    }

    @Test
    void upsertByExternalIdCreatesThenUpdates() throws Exception {
        String uri = "salesforce:upsertSObject?sObjectName=Contact&sObjectIdName=Sfsync_Person_Id__c&rawPayload=true";
        JsonNode first = call(uri, "{\"LastName\":\"Hopper\",\"Email\":\"grace@navy.example\"}",
                Map.of("sObjectIdValue", "person-1"));
        assertThat(first.get("created").asBoolean()).isTrue();
        JsonNode second = call(uri, "{\"LastName\":\"Hopper\",\"Title\":\"Rear Admiral\"}",
                Map.of("sObjectIdValue", "person-1"));
        assertThat(second.get("created").asBoolean()).isFalse();
        assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
    }

    @Test
    void queryPagesOf2000AreFollowedWithQueryMore() throws Exception {
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int i = 0; i < 4500; i++) {
            leads.add(Map.of("LastName", "L" + i, "Company", "C", "Email", "l" + i + "@x.example"));
        }
        SF.emulator().seed(Map.of("Lead", leads));
        JsonNode page = call("salesforce:query?rawPayload=true", null,
                Map.of("sObjectQuery", "SELECT Id, Email FROM Lead ORDER BY Email"));
        int seen = page.get("records").size();
        assertThat(seen).isEqualTo(2000);
        assertThat(page.get("totalSize").asInt()).isEqualTo(4500);
        while (!page.get("done").asBoolean()) {
            page = call("salesforce:queryMore?rawPayload=true", null,
                    Map.of("sObjectQuery", page.get("nextRecordsUrl").asText()));
            seen += page.get("records").size();
        }
        assertThat(seen).isEqualTo(4500);
    }

    @Test
    void logsInAgainAtTheInstanceUrlAfterTheSessionExpires() throws Exception {
        call("salesforce:limits", null);
        long tokenCallsBefore = SF.emulator().sessions().active();
        assertThat(tokenCallsBefore).isEqualTo(1);
        SF.emulator().sessions().expireAll();
        JsonNode q = call("salesforce:query?rawPayload=true", null, Map.of("sObjectQuery", "SELECT COUNT() FROM User"));
        assertThat(q.get("totalSize").asInt()).isEqualTo(1);
        assertThat(SF.emulator().sessions().active()).isEqualTo(1);
    }

    @Test
    void limitsAreReadAndCountedPerCall() throws Exception {
        SF.emulator().limits().set(1000L, 10L, null);
        Object body = template.requestBody("salesforce:limits", (Object) null);
        assertThat(body).isInstanceOf(Limits.class);
        Limits limits = (Limits) body;
        assertThat(limits.getDailyApiRequests().getMax()).isEqualTo(1000);
        assertThat(limits.getDailyApiRequests().getRemaining()).isEqualTo(989);
    }

    @Test
    void spentDailyLimitFailsWithRequestLimitExceeded() {
        SF.emulator().limits().set(5L, 5L, null);
        assertThatThrownBy(() -> template.requestBody("salesforce:limits", (Object) null))
                .isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOfSatisfying(SalesforceException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getErrors().get(0).getErrorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
                });
    }

    @Test
    void duplicateRuleBlocksUnlessTheHeaderAllowsSave() throws Exception {
        call("salesforce:createSObject?sObjectName=Contact&rawPayload=true",
                "{\"LastName\":\"Curie\",\"Email\":\"marie@radium.example\"}");
        assertThatThrownBy(() -> call("salesforce:createSObject?sObjectName=Lead&rawPayload=true",
                "{\"LastName\":\"Curie\",\"Company\":\"Radium\",\"Email\":\"MARIE@radium.example\"}"))
                .cause().isInstanceOfSatisfying(SalesforceException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getErrors().get(0).getErrorCode()).isEqualTo("DUPLICATES_DETECTED");
                });
        JsonNode allowed = call("salesforce:createSObject?sObjectName=Lead&rawPayload=true",
                "{\"LastName\":\"Curie\",\"Company\":\"Radium\",\"Email\":\"MARIE@radium.example\"}",
                Map.of("Sforce-Duplicate-Rule-Header", "allowSave=true; includeRecordDetails=true; runAsCurrentUser=true"));
        assertThat(allowed.get("success").asBoolean()).isTrue();
    }

    @Test
    void autoAssignHeaderDecidesWhetherTheAssignmentRuleRuns() throws Exception {
        String queue = SF.emulator().org().inboundQueueId();
        String user = SF.emulator().seed(Map.of("User", List.of(Map.of("_ref", "rep", "Email", "rep@corp.example",
                "LastName", "Rep")))).get("rep");
        String assigned = call("salesforce:createSObject?sObjectName=Lead&rawPayload=true",
                "{\"LastName\":\"A\",\"Company\":\"C\",\"OwnerId\":\"" + user + "\"}").get("id").asText();
        String kept = call("salesforce:createSObject?sObjectName=Lead&rawPayload=true",
                "{\"LastName\":\"B\",\"Company\":\"C\",\"OwnerId\":\"" + user + "\"}",
                Map.of("Sforce-Auto-Assign", "FALSE")).get("id").asText();
        assertThat(owner(assigned)).isEqualTo(queue);
        assertThat(owner(kept)).isEqualTo(user);
    }

    private String owner(String leadId) throws Exception {
        return call("salesforce:query?rawPayload=true", null,
                Map.of("sObjectQuery", "SELECT OwnerId FROM Lead WHERE Id = '" + leadId + "'")).at("/records/0/OwnerId").asText();
    }

    @Test
    void collectionsCreateUpdateUpsertRetrieveAndDelete() throws Exception {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(record("Lead", "LastName", "N" + i, "Company", "C", "Sfsync_Person_Id__c", "p" + i));
        }
        JsonNode created = call("salesforce:compositeCreateSObjectCollections?rawPayload=true&allOrNone=false",
                records);
        assertThat(created).hasSize(3);
        assertThat(created.get(0).get("success").asBoolean()).isTrue();
        String id0 = created.get(0).get("id").asText();

        JsonNode updated = call("salesforce:compositeUpdateSObjectCollections?rawPayload=true",
                List.of(record("Lead", "id", id0, "Title", "CTO")));
        assertThat(updated.get(0).get("success").asBoolean()).isTrue();

        JsonNode upserted = call("salesforce:compositeUpsertSObjectCollections?rawPayload=true"
                + "&sObjectName=Lead&sObjectIdName=Sfsync_Person_Id__c",
                List.of(record("Lead", "Sfsync_Person_Id__c", "p1", "LastName", "N1", "Company", "C2"),
                        record("Lead", "Sfsync_Person_Id__c", "p9", "LastName", "N9", "Company", "C9")));
        assertThat(upserted.get(0).get("created").asBoolean()).isFalse();
        assertThat(upserted.get(1).get("created").asBoolean()).isTrue();

        JsonNode deleted = call("salesforce:compositeDeleteSObjectCollections?rawPayload=true", List.of(id0));
        assertThat(deleted.get(0).get("success").asBoolean()).isTrue();
        assertThat(SF.emulator().org().store().list("Lead", false)).hasSize(3);
    }

    @Test
    void collectionsReportPerRecordErrorsWithStatusCode() throws Exception {
        JsonNode result = call("salesforce:compositeCreateSObjectCollections?rawPayload=true",
                List.of(record("Lead", "LastName", "Ok", "Company", "C"),
                        record("Lead", "LastName", "NoCompany")));
        assertThat(result.get(0).get("success").asBoolean()).isTrue();
        assertThat(result.get(1).get("success").asBoolean()).isFalse();
        // the wire says statusCode (see the HTTP tests); camel-salesforce maps it to errorCode
        assertThat(result.at("/1/errors/0/errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(result.at("/1/errors/0/fields/0").asText()).isEqualTo("Company");
    }

    @Test
    void compositeWithReferencesIsOneApiCall() throws Exception {
        long before = SF.emulator().limits().used();
        String body = """
                {"allOrNone": true, "compositeRequest": [
                  {"method": "POST", "url": "/services/data/v62.0/sobjects/Account", "referenceId": "acct",
                   "body": {"Name": "Babbage Ltd", "Website": "babbage.example"}},
                  {"method": "POST", "url": "/services/data/v62.0/sobjects/Contact", "referenceId": "person",
                   "body": {"LastName": "Babbage", "AccountId": "@{acct.id}"}},
                  {"method": "GET", "url": "/services/data/v62.0/query?q=SELECT+Account.Name+FROM+Contact+WHERE+Id='@{person.id}'",
                   "referenceId": "check"}
                ]}""";
        JsonNode out = call("salesforce:composite?rawPayload=true", body);
        assertThat(out.at("/compositeResponse/2/body/records/0/Account/Name").asText()).isEqualTo("Babbage Ltd");
        assertThat(SF.emulator().limits().used() - before).isEqualTo(1);
    }

    @Test
    void compositeChainsCollectionsThroughIndexedReferences() throws Exception {
        String body = """
                {"allOrNone": false, "compositeRequest": [
                  {"method": "POST", "url": "/services/data/v62.0/composite/sobjects", "referenceId": "accounts",
                   "body": {"allOrNone": false, "records": [
                     {"attributes": {"type": "Account"}, "Name": "First"},
                     {"attributes": {"type": "Account"}, "Name": "Second"}]}},
                  {"method": "POST", "url": "/services/data/v62.0/composite/sobjects", "referenceId": "people",
                   "body": {"allOrNone": false, "records": [
                     {"attributes": {"type": "Contact"}, "LastName": "A", "AccountId": "@{accounts[1].id}"}]}}
                ]}""";
        JsonNode out = call("salesforce:composite?rawPayload=true", body);
        String second = out.at("/compositeResponse/0/body/1/id").asText();
        String contact = out.at("/compositeResponse/1/body/0/id").asText();
        assertThat(SF.emulator().org().store().get(contact)).containsEntry("AccountId", second);
    }

    @Test
    void bulk2IngestJobRunsToCompletionWithResultCsvs() throws Exception {
        Job job = new Job();
        job.setObject("Lead");
        job.setOperation(OperationEnum.INSERT);
        Job created = template.requestBody("salesforce:bulk2CreateJob", job, Job.class);
        assertThat(created.getState()).isEqualTo(JobStateEnum.OPEN);
        template.requestBodyAndHeader("salesforce:bulk2CreateBatch",
                "LastName,Company,Email\nTuring,Bletchley,alan@bletchley.example\nNoCompany,,x@y.example\n",
                "jobId", created.getId());
        template.requestBodyAndHeader("salesforce:bulk2CloseJob", null, "jobId", created.getId());
        Job done = created;
        for (int i = 0; i < 100 && done.getState() != JobStateEnum.JOB_COMPLETE; i++) {
            Thread.sleep(50);
            done = template.requestBodyAndHeader("salesforce:bulk2GetJob", null, "jobId", created.getId(), Job.class);
        }
        assertThat(done.getState()).isEqualTo(JobStateEnum.JOB_COMPLETE);
        assertThat(done.getNumberRecordsProcessed()).isEqualTo(2);
        assertThat(done.getNumberRecordsFailed()).isEqualTo(1);
        String ok = template.requestBodyAndHeader("salesforce:bulk2GetSuccessfulResults", null, "jobId",
                created.getId(), String.class);
        String failed = template.requestBodyAndHeader("salesforce:bulk2GetFailedResults", null, "jobId",
                created.getId(), String.class);
        assertThat(ok).startsWith("\"sf__Id\",\"sf__Created\",\"LastName\"").contains("\"true\",\"Turing\"");
        assertThat(failed).startsWith("\"sf__Id\",\"sf__Error\"").contains("REQUIRED_FIELD_MISSING");
    }

    @Test
    void bulk2QueryJobRunsAndItsResultsArePagedByTheLocator() throws Exception {
        List<Map<String, Object>> leads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leads.add(Map.of("LastName", "L" + i, "Company", "C"));
        }
        SF.emulator().seed(Map.of("Lead", leads));
        QueryJob job = new QueryJob();
        job.setOperation(OperationEnum.QUERY);
        job.setQuery("SELECT LastName, Company FROM Lead ORDER BY LastName");
        QueryJob created = template.requestBody("salesforce:bulk2CreateQueryJob", job, QueryJob.class);
        assertThat(created.getId()).startsWith("750");
        assertThat(created.getObject()).isEqualTo("Lead");
        QueryJob done = created;
        for (int i = 0; i < 100 && done.getState() != JobStateEnum.JOB_COMPLETE; i++) {
            Thread.sleep(50);
            done = template.requestBodyAndHeader("salesforce:bulk2GetQueryJob", null, "jobId", created.getId(),
                    QueryJob.class);
        }
        assertThat(done.getState()).isEqualTo(JobStateEnum.JOB_COMPLETE);
        assertThat(done.getNumberRecordsProcessed()).isEqualTo(5);

        List<String> rows = new ArrayList<>();
        String locator = null;
        int sets = 0;
        while (sets < 5 && !"null".equals(locator)) {
            sets++;
            Map<String, Object> headers = new HashMap<>(Map.of("jobId", created.getId(), "maxRecords", 2));
            if (locator != null) {
                headers.put("locator", locator);
            }
            Exchange out = template.request("salesforce:bulk2GetQueryJobResults",
                    e -> e.getIn().setHeaders(headers));
            assertThat(out.getException()).isNull();
            String csv = out.getMessage().getBody(String.class);
            assertThat(csv).startsWith("\"LastName\",\"Company\"\n");
            rows.addAll(csv.lines().skip(1).toList());
            locator = out.getMessage().getHeader("Sforce-Locator", String.class);
            assertThat(locator).as("the component hands on Sforce-Locator").isNotNull();
        }
        assertThat(sets).as("sets of maxRecords=2").isEqualTo(3);
        assertThat(rows).containsExactly("\"L0\",\"C\"", "\"L1\",\"C\"", "\"L2\",\"C\"", "\"L3\",\"C\"",
                "\"L4\",\"C\"");
        template.requestBodyAndHeader("salesforce:bulk2DeleteQueryJob", null, "jobId", created.getId());
        assertThat(SF.emulator().calls().snapshot()).containsEntry("DELETE /jobs/query/{id}", 1L);
    }

    private static Map<String, Object> record(String type, Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("attributes", Map.of("type", type));
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
