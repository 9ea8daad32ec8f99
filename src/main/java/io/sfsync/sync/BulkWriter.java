package io.sfsync.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.component.salesforce.api.dto.bulkv2.ContentTypeEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.Job;
import org.apache.camel.component.salesforce.api.dto.bulkv2.JobStateEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.LineEndingEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.OperationEnum;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Large writes through Bulk API 2.0: one ingest job per object and operation — upsert on
 * the job's external ID for new records, update by Id for the rest — so only idempotent operations
 * go this way. Each row's result comes back by its key (the external ID or the Id) from the job's
 * successful, failed and unprocessed results, as the same per-record result the collections give.
 */
final class BulkWriter {
    /** The first poll comes soon; later ones back off to every few seconds, since each poll is an API call. */
    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    private static final Duration LONGEST_POLL = Duration.ofSeconds(5);
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(30);

    /** One record for a bulk job: its CSV values and where its result goes. */
    interface Row {
        Map<String, Object> fields();

        void result(ObjectNode result);
    }

    /**
     * Runs one ingest job and hands every row its result; rows the job never reached get a
     * SERVER_UNAVAILABLE error (retried on the next run).
     *
     * @param externalIdField the upsert key, or null for an update by Id
     */
    void write(RunContext run, String object, String externalIdField, List<? extends Row> rows) {
        String key = externalIdField != null ? externalIdField : "Id";
        Set<String> columns = new LinkedHashSet<>(List.of(key));
        rows.forEach(r -> columns.addAll(r.fields().keySet()));
        Map<String, Row> byKey = new HashMap<>();
        StringWriter csv = new StringWriter();
        try (CSVPrinter out = new CSVPrinter(csv, CSVFormat.RFC4180.builder().setRecordSeparator("\n")
                .setHeader(columns.toArray(String[]::new)).get())) {
            for (Row r : rows) {
                Object k = r.fields().get(key);
                byKey.put(String.valueOf(k).toLowerCase(java.util.Locale.ROOT), r);
                List<Object> line = new ArrayList<>();
                for (String c : columns) {
                    Object v = r.fields().get(c);
                    line.add(v == null ? "" : v); // an empty cell leaves the field as it is
                }
                out.printRecord(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Job job = new Job();
        job.setObject(object);
        job.setOperation(externalIdField != null ? OperationEnum.UPSERT : OperationEnum.UPDATE);
        job.setExternalIdFieldName(externalIdField);
        job.setContentType(ContentTypeEnum.CSV);
        job.setLineEnding(LineEndingEnum.LF);
        Job created = (Job) run.call("bulk2CreateJob", job, Map.of(), false);
        Map<String, Object> jobId = Map.of("jobId", created.getId());
        run.call("bulk2CreateBatch", csv.toString(), jobId, false);
        run.call("bulk2CloseJob", null, jobId, false);
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        Job state = created;
        Duration wait = FIRST_POLL;
        while (state.getState() != JobStateEnum.JOB_COMPLETE && state.getState() != JobStateEnum.FAILED
                && state.getState() != JobStateEnum.ABORTED && System.nanoTime() < deadline) {
            sleep(wait);
            wait = wait.multipliedBy(2).compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : wait.multipliedBy(2);
            state = (Job) run.call("bulk2GetJob", null, jobId, true);
        }
        if (state.getState() == JobStateEnum.JOB_COMPLETE) {
            for (CSVRecord r : parse(run.call("bulk2GetSuccessfulResults", null, jobId, true))) {
                Row row = byKey.remove(r.get(key).toLowerCase(java.util.Locale.ROOT));
                if (row != null) {
                    ObjectNode ok = JsonNodeFactory.instance.objectNode();
                    ok.put("id", r.get("sf__Id"));
                    ok.put("success", true);
                    ok.put("created", Boolean.parseBoolean(r.get("sf__Created")));
                    row.result(ok);
                }
            }
            for (CSVRecord r : parse(run.call("bulk2GetFailedResults", null, jobId, true))) {
                Row row = byKey.remove(r.get(key).toLowerCase(java.util.Locale.ROOT));
                if (row != null) {
                    row.result(failure(r.get("sf__Error")));
                }
            }
        }
        String why = state.getState() == JobStateEnum.JOB_COMPLETE ? "not processed by the Bulk API job"
                : "Bulk API job " + created.getId() + " ended " + state.getState() + ": " + state.getErrorMessage();
        for (Row left : byKey.values()) {
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            r.put("success", false);
            ObjectNode err = r.putArray("errors").addObject();
            err.put("statusCode", "SERVER_UNAVAILABLE");
            err.put("message", why);
            left.result(r);
        }
    }

    /** "CODE:message:Field1,Field2 --" as a collections-style failure. */
    static ObjectNode failure(String sfError) {
        String code = sfError;
        String message = "";
        String fields = "";
        int first = sfError.indexOf(':');
        int last = sfError.lastIndexOf(':');
        if (first > 0) {
            code = sfError.substring(0, first);
            message = last > first ? sfError.substring(first + 1, last) : sfError.substring(first + 1);
            fields = last > first ? sfError.substring(last + 1).replace("--", "").trim() : "";
        }
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("success", false);
        ObjectNode err = r.putArray("errors").addObject();
        err.put("statusCode", code);
        err.put("message", message);
        ArrayNode f = err.putArray("fields");
        for (String name : fields.split(",")) {
            if (!name.isBlank()) {
                f.add(name.trim());
            }
        }
        return r;
    }

    private static List<CSVRecord> parse(Object body) {
        String text;
        try {
            text = body instanceof InputStream in ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : String.valueOf(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (text.isBlank()) {
            return List.of();
        }
        try (CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(text))) {
            return p.getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
