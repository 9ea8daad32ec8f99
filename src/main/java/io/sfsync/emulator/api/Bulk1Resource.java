package io.sfsync.emulator.api;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.emulator.soql.SoqlException;
import io.sfsync.emulator.store.Transaction;

/**
 * Bulk API 1.0, {@code /services/async/XX.X/job}: a job (XML jobInfo) of insert, update, upsert, delete,
 * hardDelete, query or queryAll on one object; batches of CSV rows (or, for a query, the SOQL) added to it
 * while it is Open, each run in the background (Queued → InProgress → Completed, or Failed with a
 * stateMessage; NotProcessed when the job is aborted first); the results of an ingest batch as CSV
 * ({@code "Id","Success","Created","Error"}), of a query batch as a result list whose one result is the rows
 * in CSV. Errors come as Bulk API 1.0 writes them: XML {@code <error>} with exceptionCode and
 * exceptionMessage (InvalidSessionId, InvalidJob, InvalidJobState, InvalidBatch, ClientInputError for a batch
 * without content, InvalidUrl). JSON and XML batch data, PK
 * chunking and serial mode are left out.
 */
public final class Bulk1Resource {
    private static final String NS = "http://www.force.com/2009/06/asyncapi/dataload";
    /** batchInfo's elements in the order of Bulk API 1.0's schema. */
    private static final List<String> BATCH_ORDER = List.of("id", "jobId", "state", "stateMessage", "createdDate",
            "systemModstamp", "numberRecordsProcessed", "numberRecordsFailed", "totalProcessingTime",
            "apiActiveProcessingTime", "apexProcessingTime");
    private static final List<String> OPERATIONS = List.of("insert", "update", "upsert", "delete", "hardDelete",
            "query", "queryAll");

    private static final class Job {
        final Map<String, Object> info = new LinkedHashMap<>();
        final Map<String, Batch> batches = new LinkedHashMap<>();
        String userId;
    }

    private static final class Batch {
        final Map<String, Object> info = new LinkedHashMap<>();
        String request;
        String results;
        String resultId;
    }

    private final EmulatedOrg org;
    private final RecordSaver saver;
    private final ExecutorService worker;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    Bulk1Resource(EmulatedOrg org, RecordSaver saver, ExecutorService worker) {
        this.org = org;
        this.saver = saver;
        this.worker = worker;
    }

    void clear() {
        jobs.clear();
    }

    /** A request below /services/async/{version}/, the caller being {@code userId}; the store's lock is held. */
    public ApiResponse handle(String method, String version, String rest, String body, String userId) {
        try {
            String[] s = rest.isEmpty() ? new String[0] : rest.split("/");
            if (s.length == 0 || !s[0].equals("job")) {
                throw error(404, "InvalidUrl", "unknown resource: /" + rest);
            }
            if (s.length == 1) {
                requireMethod(method, "POST");
                return xml(201, jobInfo(create(body == null ? "" : body, version, userId)));
            }
            Job job = jobs.get(s[1]);
            if (job == null) {
                throw error(400, "InvalidJob", "Unable to find object: " + s[1]);
            }
            if (s.length == 2) {
                if (method.equals("POST")) {
                    changeState(job, tag(body == null ? "" : body, "state"));
                } else {
                    requireMethod(method, "GET");
                }
                return xml(200, jobInfo(job));
            }
            if (!s[2].equals("batch")) {
                throw error(404, "InvalidUrl", "unknown resource: /" + rest);
            }
            if (s.length == 3) {
                if (method.equals("POST")) {
                    return xml(201, addBatch(job, body == null ? "" : body, version));
                }
                requireMethod(method, "GET");
                StringBuilder list = new StringBuilder("<batchInfoList xmlns=\"" + NS + "\">");
                synchronized (job) {
                    job.batches.values().forEach(b -> list.append(element("batchInfo", b.info, BATCH_ORDER)));
                }
                return xml(200, list.append("</batchInfoList>").toString());
            }
            requireMethod(method, "GET");
            Batch batch;
            synchronized (job) {
                batch = job.batches.get(s[3]);
            }
            if (batch == null) {
                throw error(400, "InvalidBatch", "Unable to find batch: " + s[3]);
            }
            if (s.length == 4) {
                synchronized (job) {
                    return xml(200, batchInfo(batch));
                }
            }
            return switch (s[4]) {
                case "request" -> ApiResponse.text(200, batch.request, "text/csv");
                case "result" -> result(job, batch, s.length > 5 ? s[5] : null);
                default -> throw error(404, "InvalidUrl", "unknown resource: /" + rest);
            };
        } catch (ApiException e) {
            ApiError err = e.errors().get(0);
            return xmlError(e.status(), err.errorCode(), err.message());
        } catch (RuntimeException e) {
            return xmlError(500, "InternalServerError", "An unexpected error occurred: " + e);
        }
    }

    /** The answer to a request without a valid session (what jsforce recognises to log in again). */
    public static ApiResponse invalidSession() {
        return xmlError(400, "InvalidSessionId", "Invalid session id");
    }

    /** An error as Bulk API 1.0 writes it. */
    public static ApiResponse xmlError(int status, String code, String message) {
        return xml(status, "<error xmlns=\"" + NS + "\"><exceptionCode>" + esc(code) + "</exceptionCode><exceptionMessage>"
                + esc(message) + "</exceptionMessage></error>");
    }

    private Job create(String body, String version, String userId) {
        String operation = tag(body, "operation");
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw error(400, "InvalidJob", "Invalid job operation: " + operation);
        }
        SObjectDef def = org.schema().object(tag(body, "object"));
        if (def == null) {
            throw error(400, "InvalidJob", "Unable to find object: " + tag(body, "object"));
        }
        String ext = tag(body, "externalIdFieldName");
        if (operation.equals("upsert")) {
            var f = ext == null ? null : def.field(ext);
            if (f == null || !(f.externalId() || f.name().equals("Id"))) {
                throw error(400, "InvalidJob", "External ID was blank or invalid for " + def.name() + ": " + ext);
            }
            ext = f.name();
        }
        String contentType = tag(body, "contentType") == null ? "CSV" : tag(body, "contentType");
        if (!contentType.equals("CSV")) {
            throw error(400, "InvalidJob", "Unsupported content type: " + contentType + " (the emulator takes CSV)");
        }
        Job job = new Job();
        job.userId = userId;
        String now = org.now();
        job.info.put("id", org.ids().next("750"));
        job.info.put("operation", operation);
        job.info.put("object", def.name());
        job.info.put("createdById", userId);
        job.info.put("createdDate", now);
        job.info.put("systemModstamp", now);
        job.info.put("state", "Open");
        if (ext != null && operation.equals("upsert")) {
            job.info.put("externalIdFieldName", ext);
        }
        job.info.put("concurrencyMode", "Parallel");
        job.info.put("contentType", "CSV");
        for (String counter : List.of("numberBatchesQueued", "numberBatchesInProgress", "numberBatchesCompleted",
                "numberBatchesFailed", "numberBatchesTotal", "numberRecordsProcessed", "numberRetries")) {
            job.info.put(counter, 0);
        }
        job.info.put("apiVersion", version);
        job.info.put("numberRecordsFailed", 0);
        job.info.put("totalProcessingTime", 0);
        job.info.put("apiActiveProcessingTime", 0);
        job.info.put("apexProcessingTime", 0);
        jobs.put((String) job.info.get("id"), job);
        return job;
    }

    private void changeState(Job job, String state) {
        synchronized (job) {
            String current = (String) job.info.get("state");
            if (state == null || !(state.equals("Closed") || state.equals("Aborted"))) {
                throw error(400, "InvalidJob", "Invalid state: " + state);
            }
            if (!current.equals("Open") && !(current.equals("Closed") && state.equals("Aborted"))) {
                throw error(400, "InvalidJobState", "Job " + job.info.get("id") + " is " + current
                        + ", which does not allow " + state);
            }
            job.info.put("state", state);
            job.info.put("systemModstamp", org.now());
            if (state.equals("Aborted")) {
                job.batches.values().stream().filter(b -> b.info.get("state").equals("Queued"))
                        .forEach(b -> b.info.put("state", "NotProcessed"));
            }
        }
    }

    /** Adds the batch and answers its batchInfo as it was added. */
    private String addBatch(Job job, String data, String version) {
        if (data.isBlank()) {
            throw error(400, "ClientInputError", "Failed to read the batch: the request has no content");
        }
        Batch batch = new Batch();
        String answer;
        synchronized (job) {
            if (!"Open".equals(job.info.get("state"))) {
                throw error(400, "InvalidJobState", "Job " + job.info.get("id") + " is " + job.info.get("state")
                        + ": no batch can be added");
            }
            String now = org.now();
            batch.info.put("id", org.ids().next("751"));
            batch.info.put("jobId", job.info.get("id"));
            batch.info.put("state", "Queued");
            batch.info.put("createdDate", now);
            batch.info.put("systemModstamp", now);
            batch.info.put("numberRecordsProcessed", 0);
            batch.info.put("numberRecordsFailed", 0);
            batch.info.put("totalProcessingTime", 0);
            batch.info.put("apiActiveProcessingTime", 0);
            batch.info.put("apexProcessingTime", 0);
            batch.request = data;
            job.batches.put((String) batch.info.get("id"), batch);
            count(job);
            answer = batchInfo(batch); // Queued: the answer is written before the worker may take the batch
        }
        worker.submit(() -> run(job, batch, version));
        return answer;
    }

    private void run(Job job, Batch batch, String version) {
        long start = System.currentTimeMillis();
        String operation;
        String object;
        String ext;
        synchronized (job) {
            if (!batch.info.get("state").equals("Queued")) {
                return; // the job was aborted first
            }
            batch.info.put("state", "InProgress");
            count(job);
            operation = (String) job.info.get("operation");
            object = (String) job.info.get("object");
            ext = (String) job.info.get("externalIdFieldName");
        }
        int processed;
        int failed = 0;
        String results;
        try {
            if (operation.startsWith("query")) {
                Bulk2QueryJobs.Table table = Bulk2QueryJobs.table(org, batch.request, operation.equals("queryAll"),
                        version, "Bulk API 1.0");
                results = csv(table.header(), table.rows(), QuoteMode.ALL_NON_NULL);
                processed = table.rows().size();
                batch.resultId = org.ids().next("752");
            } else {
                List<List<String>> out = new ArrayList<>();
                processed = ingest(job, object, operation, ext, batch.request, out);
                failed = (int) out.stream().filter(r -> r.get(1).equals("false")).count();
                results = csv(List.of("Id", "Success", "Created", "Error"), out, QuoteMode.ALL);
            }
        } catch (SoqlException e) {
            finish(job, batch, "Failed", "InvalidBatch : Failed to process query: " + e.errorCode() + ": "
                    + e.getMessage(), 0, 0, start);
            return;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            finish(job, batch, "Failed", "InvalidBatch : " + e.getMessage(), 0, 0, start);
            return;
        }
        batch.results = results;
        finish(job, batch, "Completed", null, processed, failed, start);
    }

    /** Saves the batch's rows one by one (each in its own transaction, as Bulk API does); a result row each. */
    private int ingest(Job job, String object, String operation, String ext, String data, List<List<String>> out) {
        SObjectDef def = org.schema().object(object);
        List<CSVRecord> rows;
        List<String> header;
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(data.replace("\r\n", "\n")))) {
            header = parser.getHeaderNames();
            rows = parser.getRecords();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Failed to parse CSV: " + e.getMessage());
        }
        for (String column : header) {
            if (def.field(column) == null) {
                throw new IllegalArgumentException("Field name not found : " + column);
            }
        }
        for (CSVRecord row : rows) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < header.size() && i < row.size(); i++) {
                String v = row.get(i);
                if (!v.isEmpty()) {
                    values.put(def.field(header.get(i)).name(), v.equals("#N/A") ? null : v);
                }
            }
            org.store().lock().lock();
            try {
                RecordSaver.Options o = new RecordSaver.Options(job.userId, false, "FALSE", new Transaction(), false, null);
                RecordSaver.Saved saved = Bulk2Resource.save(saver, def, operation, ext, values, o);
                out.add(List.of(saved.id(), "true", String.valueOf(saved.created()), ""));
            } catch (ApiException e) {
                ApiError err = e.errors().get(0);
                Object id = values.get("Id");
                out.add(List.of(id == null ? "" : id.toString(), "false", "false", Bulk2Resource.rowError(err)));
            } finally {
                org.store().lock().unlock();
            }
        }
        return rows.size();
    }

    private void finish(Job job, Batch batch, String state, String message, int processed, int failed, long start) {
        synchronized (job) {
            batch.info.put("state", state);
            if (message != null) {
                batch.info.put("stateMessage", message);
            }
            long took = System.currentTimeMillis() - start;
            batch.info.put("systemModstamp", org.now());
            batch.info.put("numberRecordsProcessed", processed);
            batch.info.put("numberRecordsFailed", failed);
            batch.info.put("totalProcessingTime", took);
            batch.info.put("apiActiveProcessingTime", took);
            count(job);
        }
    }

    /** The job's batch and record counters, from its batches. */
    private static void count(Job job) {
        int queued = 0;
        int inProgress = 0;
        int completed = 0;
        int failed = 0;
        int records = 0;
        int recordsFailed = 0;
        for (Batch b : job.batches.values()) {
            switch ((String) b.info.get("state")) {
                case "Queued" -> queued++;
                case "InProgress" -> inProgress++;
                case "Completed" -> completed++;
                case "Failed" -> failed++;
                default -> { }
            }
            records += (Integer) b.info.get("numberRecordsProcessed");
            recordsFailed += (Integer) b.info.get("numberRecordsFailed");
        }
        job.info.put("numberBatchesQueued", queued);
        job.info.put("numberBatchesInProgress", inProgress);
        job.info.put("numberBatchesCompleted", completed);
        job.info.put("numberBatchesFailed", failed);
        job.info.put("numberBatchesTotal", job.batches.size());
        job.info.put("numberRecordsProcessed", records);
        job.info.put("numberRecordsFailed", recordsFailed);
    }

    private ApiResponse result(Job job, Batch batch, String resultId) {
        String state;
        synchronized (job) {
            state = (String) batch.info.get("state");
        }
        if (!state.equals("Completed")) {
            throw error(400, "InvalidBatch", "Batch not completed");
        }
        boolean query = ((String) job.info.get("operation")).startsWith("query");
        if (!query) {
            return ApiResponse.text(200, batch.results, "text/csv");
        }
        if (resultId == null) {
            return xml(200, "<result-list xmlns=\"" + NS + "\"><result>" + batch.resultId + "</result></result-list>");
        }
        if (!resultId.equals(batch.resultId)) {
            throw error(400, "InvalidBatch", "Unable to find result: " + resultId);
        }
        return ApiResponse.text(200, batch.results, "text/csv");
    }

    private static String csv(List<String> header, List<List<String>> rows, QuoteMode quotes) {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new))
                .setQuoteMode(quotes).setNullString("").setRecordSeparator("\n").get())) {
            for (List<String> row : rows) {
                p.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private String jobInfo(Job job) {
        synchronized (job) {
            return element("jobInfo", job.info, List.copyOf(job.info.keySet()))
                    .replaceFirst("<jobInfo>", "<jobInfo xmlns=\"" + NS + "\">");
        }
    }

    /** The caller holds the job's monitor: the worker changes the batch's info under it. */
    private static String batchInfo(Batch batch) {
        return element("batchInfo", batch.info, BATCH_ORDER).replaceFirst("<batchInfo>", "<batchInfo xmlns=\"" + NS + "\">");
    }

    /** The elements in the schema's order (the ones a map lacks left out); date-times in UTC with a Z. */
    private static String element(String name, Map<String, Object> fields, List<String> order) {
        StringBuilder sb = new StringBuilder("<").append(name).append('>');
        for (String k : order) {
            if (fields.containsKey(k)) {
                String v = String.valueOf(fields.get(k));
                if (k.endsWith("Date") || k.equals("systemModstamp")) {
                    v = v.replaceFirst("\\+0000$", "Z");
                }
                sb.append('<').append(k).append('>').append(esc(v)).append("</").append(k).append('>');
            }
        }
        return sb.append("</").append(name).append('>').toString();
    }

    private static ApiResponse xml(int status, String body) {
        return ApiResponse.text(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body, "application/xml");
    }

    /** The text of an element of a small XML document (jobInfo), or null. */
    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">\\s*(.*?)\\s*</" + name + ">", Pattern.DOTALL).matcher(xml);
        return m.find() ? m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") : null;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw error(405, "InvalidUrl", "HTTP method '" + method + "' is not allowed here");
        }
    }

    private static ApiException error(int status, String code, String message) {
        return new ApiException(status, code, message);
    }
}
