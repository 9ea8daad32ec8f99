package io.sfsync.inbound;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.component.salesforce.api.dto.bulkv2.JobStateEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.OperationEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.QueryJob;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.salesforce.FieldInfo;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.SalesforceClient;

/**
 * The rest of an object's first load through one Bulk API 2.0 query job, once its first poll page shows
 * there is more than a page: the same fields, the same window and the same order as the poll's pages, so
 * the cursor moves exactly as it would page by page; the results are read in sets of five poll pages
 * (at most {@link #MAX_SET_SIZE} records; each set one page of the run) following Sforce-Locator. Values come back as CSV text; the
 * describe's field types turn them back into booleans and numbers.
 */
final class BulkFirstLoad {
    /** Records per result set at most: one page of the run. */
    static final int MAX_SET_SIZE = 10_000;
    private static final long MAX_WAIT_MS = 30 * 60_000;

    final String object;
    private final int setSize;
    private String jobId;
    private String locator;
    private volatile boolean finished;
    /** The next result set, asked for while this one is applied. */
    java.util.concurrent.CompletableFuture<List<JsonNode>> ahead;

    /** @param pageSize the job's poll page size: a result set is five pages, at most {@link #MAX_SET_SIZE} */
    BulkFirstLoad(String object, int pageSize) {
        this.object = object;
        this.setSize = Math.min(MAX_SET_SIZE, pageSize * 5);
    }

    boolean finished() {
        return finished;
    }

    /** Calls the job makes: create, status checks, result sets. */
    interface Calls {
        SalesforceClient.Answer call(String operation, Object body, Map<String, Object> headers);
    }

    /** The next result set's records (the job is created and awaited on the first call). */
    List<JsonNode> next(Calls calls, String soql, ObjectInfo info) {
        if (jobId == null) {
            QueryJob job = new QueryJob();
            job.setOperation(OperationEnum.QUERY);
            job.setQuery(soql);
            QueryJob created = (QueryJob) calls.call("bulk2CreateQueryJob", job, Map.of()).body();
            jobId = created.getId();
            await(calls);
        }
        java.util.HashMap<String, Object> headers = new java.util.HashMap<>(Map.of("jobId", jobId, "maxRecords", setSize));
        if (locator != null) {
            headers.put("locator", locator);
        }
        SalesforceClient.Answer set = calls.call("bulk2GetQueryJobResults", null, headers);
        locator = set.header("Sforce-Locator");
        if (locator == null || locator.isBlank() || locator.equals("null")) {
            finished = true;
        }
        return records(text(set.body()), info);
    }

    private void await(Calls calls) {
        long waited = 0;
        long pause = 100;
        while (true) {
            QueryJob job = (QueryJob) calls.call("bulk2GetQueryJob", null, Map.of("jobId", jobId)).body();
            JobStateEnum state = job.getState();
            if (state == JobStateEnum.JOB_COMPLETE) {
                return;
            }
            if (state == JobStateEnum.FAILED || state == JobStateEnum.ABORTED) {
                throw new InboundSync.PollRefused("the Bulk API 2.0 query job " + jobId + " of the first load of " + object
                        + " ended " + state.name() + "; its errorMessage is in the job's info (GET /jobs/query/" + jobId
                        + "); the next run goes on from the last page recorded, page by page");
            }
            if (waited > MAX_WAIT_MS) {
                throw new InboundSync.PollRefused("the Bulk API 2.0 query job " + jobId + " of " + object
                        + " did not complete within " + MAX_WAIT_MS / 60_000 + " minutes (it is " + state.name() + ")");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Bulk API 2.0 job " + jobId, e);
            }
            waited += pause;
            pause = Math.min(pause * 2, 5_000);
        }
    }

    private static String text(Object body) {
        if (body instanceof String s) {
            return s;
        }
        if (body instanceof java.io.InputStream in) {
            try (in) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read a Bulk API 2.0 result set: " + e.getMessage(), e);
            }
        }
        return body == null ? "" : body.toString();
    }

    /** CSV rows as records shaped like a query's (relationship paths nested), typed by the describe. */
    static List<JsonNode> records(String csv, ObjectInfo info) {
        List<JsonNode> out = new ArrayList<>();
        if (csv.isBlank()) {
            return out;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        try (CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv))) {
            List<String> names = p.getHeaderNames();
            for (CSVRecord r : p) {
                ObjectNode rec = f.objectNode();
                for (int i = 0; i < names.size(); i++) {
                    String v = r.get(i);
                    String[] path = names.get(i).split("\\.");
                    ObjectNode at = rec;
                    for (int k = 0; k < path.length - 1; k++) {
                        JsonNode child = at.get(path[k]);
                        at = child instanceof ObjectNode o ? o : at.putObject(path[k]);
                    }
                    String field = path[path.length - 1];
                    if (v == null || v.isEmpty()) {
                        at.putNull(field);
                        continue;
                    }
                    FieldInfo fi = path.length == 1 && info != null ? info.field(field) : null;
                    String type = fi == null ? "" : fi.type();
                    switch (type) {
                        case "boolean" -> at.put(field, Boolean.parseBoolean(v));
                        case "double", "currency", "percent", "int", "long" -> at.put(field, new java.math.BigDecimal(v));
                        default -> at.put(field, v);
                    }
                }
                out.add(rec);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a Bulk API 2.0 result set: " + e.getMessage(), e);
        }
        return out;
    }

    /** The job's SOQL: the poll's fields and window after the cursor, in the poll's order, without a limit. */
    static String soql(String object, java.util.Collection<String> fields, ChangeQueries.Cursor after, Instant upTo) {
        String page = ChangeQueries.page(object, fields, after, upTo, 1);
        return page.substring(0, page.lastIndexOf(" LIMIT "));
    }
}
