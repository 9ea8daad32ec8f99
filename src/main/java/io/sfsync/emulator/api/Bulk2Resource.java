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

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.emulator.store.Transaction;

/**
 * Bulk API 2.0 ingest: /jobs/ingest. A job is created Open, receives CSV through PUT .../batches,
 * is closed with PATCH state=UploadComplete, then runs in the background (InProgress, then
 * JobComplete or Failed); per-row outcomes come back as successfulResults, failedResults and
 * unprocessedrecords CSVs. Query jobs, /jobs/query, are {@link Bulk2QueryJobs}'; both kinds run on
 * the same worker, one job at a time.
 */
final class Bulk2Resource {
    private static final List<String> OPERATIONS = List.of("insert", "update", "upsert", "delete", "hardDelete");

    static final class Job {
        final Map<String, Object> info = new LinkedHashMap<>();
        final StringBuilder csv = new StringBuilder();
        final List<String> header = new ArrayList<>();
        final StringWriter successful = new StringWriter();
        final StringWriter failed = new StringWriter();
        String unprocessed = "";
        String userId;
        /** Record faults in force when the job was closed (lock contention during its processing). */
        java.util.function.Supplier<ApiError> faults;

        synchronized String state() {
            return (String) info.get("state");
        }

        synchronized void state(String state) {
            info.put("state", state);
        }
    }

    private final EmulatedOrg org;
    private final RecordSaver saver;
    private final Json json;
    private final ExecutorService worker;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Bulk2QueryJobs queries;

    Bulk2Resource(EmulatedOrg org, RecordSaver saver, Json json, ExecutorService worker) {
        this.org = org;
        this.saver = saver;
        this.json = json;
        this.worker = worker;
        this.queries = new Bulk2QueryJobs(org, json, worker);
    }

    /** Forgets every job; one still running stops at its next row (as if aborted). */
    void clear() {
        jobs.values().forEach(j -> j.state("Aborted"));
        jobs.clear();
        queries.clear();
    }

    ApiResponse handle(ApiRequest req, RecordSaver.Options options) {
        String[] s = req.segments(); // jobs, ingest, ...
        String m = req.method();
        if (s.length >= 2 && s[1].equals("query")) {
            return queries.handle(req, options);
        }
        if (s.length < 2 || !s[1].equals("ingest")) {
            throw ApiException.notFound();
        }
        if (s.length == 2) {
            return switch (m) {
                case "POST" -> ApiResponse.json(200, create(req, options));
                case "GET" -> ApiResponse.json(200, list());
                default -> throw SObjectResource.methodNotAllowed(m);
            };
        }
        Job job = jobs.get(s[2]);
        if (job == null) {
            throw ApiException.notFound();
        }
        if (s.length == 3) {
            return switch (m) {
                case "GET" -> ApiResponse.json(200, snapshot(job));
                case "PATCH" -> ApiResponse.json(200, changeState(job, json.object(req.body()), options));
                case "DELETE" -> {
                    String st = job.state();
                    if (st.equals("Open") || st.equals("UploadComplete") || st.equals("InProgress")) {
                        throw ApiException.badRequest("INVALIDJOBSTATE", "Deleting an open or in-progress job is not allowed");
                    }
                    jobs.remove(s[2]);
                    yield ApiResponse.noContent();
                }
                default -> throw SObjectResource.methodNotAllowed(m);
            };
        }
        String sub = s[3];
        if (sub.equals("batches")) {
            SObjectResource.requireMethod(m, "PUT");
            if (!job.state().equals("Open")) {
                throw ApiException.badRequest("INVALIDJOBSTATE", "Job's state is " + job.state()
                        + ", which doesn't allow uploading data");
            }
            synchronized (job) {
                appendCsv(job, req.body() == null ? "" : req.body());
            }
            return ApiResponse.text(201, "", null);
        }
        SObjectResource.requireMethod(m, "GET");
        String csv = switch (sub) {
            case "successfulResults" -> finished(job).successful.toString();
            case "failedResults" -> finished(job).failed.toString();
            case "unprocessedrecords" -> job.unprocessed;
            default -> throw ApiException.notFound();
        };
        return ApiResponse.text(200, csv, "text/csv");
    }

    private Map<String, Object> create(ApiRequest req, RecordSaver.Options options) {
        Map<String, Object> body = json.object(req.body());
        String operation = (String) body.get("operation");
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw ApiException.badRequest("INVALIDJOB", "InvalidJob : Invalid job operation: " + operation);
        }
        SObjectDef def = org.schema().object((String) body.get("object"));
        if (def == null) {
            throw ApiException.badRequest("INVALIDJOB", "InvalidJob : Invalid object: " + body.get("object"));
        }
        String extField = (String) body.get("externalIdFieldName");
        if (operation.equals("upsert")) {
            FieldDef f = extField == null ? null : def.field(extField);
            if (f == null || !(f.externalId() || f.name().equals("Id"))) {
                throw ApiException.badRequest("INVALIDJOB", "InvalidJob : External ID was blank or invalid for "
                        + def.name() + ": " + extField);
            }
            extField = f.name();
        }
        Job job = new Job();
        String id = org.ids().next("750");
        String now = org.now();
        job.userId = options.userId();
        job.info.put("id", id);
        job.info.put("operation", operation);
        job.info.put("object", def.name());
        job.info.put("createdById", options.userId());
        job.info.put("createdDate", now);
        job.info.put("systemModstamp", now);
        job.info.put("state", "Open");
        job.info.put("externalIdFieldName", operation.equals("upsert") ? extField : null);
        job.info.put("concurrencyMode", "Parallel");
        job.info.put("contentType", "CSV");
        job.info.put("apiVersion", Double.valueOf(req.apiVersion()));
        job.info.put("contentUrl", "services/data/v" + req.apiVersion() + "/jobs/ingest/" + id + "/batches");
        job.info.put("lineEnding", Bulk2QueryJobs.enumValue(body, "lineEnding", "LF",
                List.copyOf(Bulk2QueryJobs.LINE_ENDINGS.keySet())));
        job.info.put("columnDelimiter", Bulk2QueryJobs.enumValue(body, "columnDelimiter", "COMMA",
                List.copyOf(Bulk2QueryJobs.DELIMITERS.keySet())));
        job.info.put("jobType", "V2Ingest");
        job.info.put("numberRecordsProcessed", 0);
        job.info.put("numberRecordsFailed", 0);
        job.info.put("retries", 0);
        job.info.put("totalProcessingTime", 0);
        job.info.put("apiActiveProcessingTime", 0);
        job.info.put("apexProcessingTime", 0);
        jobs.put(id, job);
        return snapshot(job);
    }

    private Map<String, Object> list() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Job j : jobs.values()) {
            records.add(snapshot(j));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("done", true);
        out.put("records", records);
        out.put("nextRecordsUrl", null);
        return out;
    }

    private Map<String, Object> changeState(Job job, Map<String, Object> body, RecordSaver.Options options) {
        String target = String.valueOf(body.get("state"));
        String current = job.state();
        switch (target) {
            case "UploadComplete" -> {
                if (!current.equals("Open")) {
                    throw ApiException.badRequest("INVALIDJOBSTATE", "Job's state is " + current
                            + ", which doesn't allow UploadComplete");
                }
                job.state("UploadComplete");
                job.faults = options.injectedFault();
                Map<String, Object> answer = snapshot(job);
                worker.submit(() -> process(job));
                return answer;
            }
            case "Aborted" -> {
                if (current.equals("JobComplete") || current.equals("Failed")) {
                    throw ApiException.badRequest("INVALIDJOBSTATE", "Job's state is " + current
                            + ", which doesn't allow aborting");
                }
                job.state("Aborted");
            }
            default -> throw ApiException.badRequest("INVALIDJOBSTATE", "Invalid state: " + target);
        }
        return snapshot(job);
    }

    private static Job finished(Job job) {
        String st = job.state();
        if (!st.equals("JobComplete") && !st.equals("Failed") && !st.equals("Aborted")) {
            throw ApiException.badRequest("INVALIDJOBSTATE", "Job's state is " + st + "; results are not available yet");
        }
        return job;
    }

    private static Map<String, Object> snapshot(Job job) {
        synchronized (job) {
            return new LinkedHashMap<>(job.info);
        }
    }

    /** Keeps one header: a later upload's header line is dropped when it repeats the first. */
    private static void appendCsv(Job job, String text) {
        String body = text.replace("\r\n", "\n");
        if (job.csv.length() == 0) {
            job.csv.append(body);
            return;
        }
        int nl = body.indexOf('\n');
        String firstLine = nl < 0 ? body : body.substring(0, nl);
        String existingHeader = job.csv.substring(0, Math.max(0, job.csv.indexOf("\n")));
        job.csv.append(firstLine.equals(existingHeader) && nl >= 0 ? body.substring(nl + 1) : body);
        if (job.csv.length() > 0 && job.csv.charAt(job.csv.length() - 1) != '\n') {
            job.csv.append('\n');
        }
    }

    private void process(Job job) {
        long start = System.currentTimeMillis();
        synchronized (job) {
            if ("Aborted".equals(job.info.get("state"))) {
                return;
            }
            job.info.put("state", "InProgress");
        }
        String object;
        String operation;
        String extField;
        String csv;
        char delimiter;
        synchronized (job) {
            delimiter = Bulk2QueryJobs.DELIMITERS.get((String) job.info.get("columnDelimiter"));
            object = (String) job.info.get("object");
            operation = (String) job.info.get("operation");
            extField = (String) job.info.get("externalIdFieldName");
            csv = job.csv.toString();
        }
        SObjectDef def = org.schema().object(object);
        List<CSVRecord> rows;
        List<String> header;
        try (CSVParser parser = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                .get().parse(new StringReader(csv))) {
            header = parser.getHeaderNames();
            rows = parser.getRecords();
        } catch (IOException | RuntimeException e) {
            fail(job, "InvalidBatch : Failed to parse CSV: " + e.getMessage());
            return;
        }
        for (String column : header) {
            String field = column.contains(".") ? column.substring(0, column.indexOf('.')) : column;
            if (def.field(field) == null && def.relationship(field) == null) {
                fail(job, "InvalidBatch : Field name not found : " + column);
                return;
            }
        }
        int failed = 0;
        try (CSVPrinter ok = new CSVPrinter(job.successful, resultFormat(List.of("sf__Id", "sf__Created"), header, delimiter));
                CSVPrinter bad = new CSVPrinter(job.failed, resultFormat(List.of("sf__Id", "sf__Error"), header, delimiter))) {
            for (CSVRecord row : rows) {
                if (job.state().equals("Aborted")) {
                    job.unprocessed = unprocessed(header, rows.subList((int) row.getRecordNumber() - 1, rows.size()), delimiter);
                    break;
                }
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < header.size() && i < row.size(); i++) {
                    String v = row.get(i);
                    if (v.isEmpty()) {
                        continue; // an empty cell leaves the field as it is
                    }
                    values.put(header.get(i), v.equals("#N/A") ? null : v);
                }
                List<Object> cells = new ArrayList<>(row.toList());
                org.store().lock().lock();
                try {
                    RecordSaver.Options o = new RecordSaver.Options(job.userId, false, "FALSE", new Transaction(), false,
                            job.faults);
                    RecordSaver.Saved saved = save(saver, def, operation, extField, values, o);
                    List<Object> line = new ArrayList<>(List.of(saved.id(), String.valueOf(saved.created())));
                    line.addAll(cells);
                    ok.printRecord(line);
                } catch (ApiException e) {
                    failed++;
                    ApiError err = e.errors().get(0);
                    Object id = values.get("Id");
                    List<Object> line = new ArrayList<>(List.of(id == null ? "" : id, rowError(err)));
                    line.addAll(cells);
                    bad.printRecord(line);
                } finally {
                    org.store().lock().unlock();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (job) {
            job.info.put("numberRecordsProcessed", rows.size());
            job.info.put("numberRecordsFailed", failed);
            long took = System.currentTimeMillis() - start;
            job.info.put("totalProcessingTime", took);
            job.info.put("apiActiveProcessingTime", took);
            job.info.put("systemModstamp", org.now());
            if (!"Aborted".equals(job.info.get("state"))) {
                job.info.put("state", "JobComplete");
            }
        }
    }

    /** A failed row's error as both Bulk APIs write it: {@code CODE:message:fields --}. */
    static String rowError(ApiError err) {
        return err.errorCode() + ":" + err.message() + ":" + String.join(",", err.fields())
                + (err.fields().isEmpty() ? "" : " ") + "--";
    }

    /** One row of a Bulk API job (2.0 or 1.0): inserted, updated, upserted or deleted; errors as ApiException. */
    static RecordSaver.Saved save(RecordSaver saver, SObjectDef def, String operation, String extField,
            Map<String, Object> values, RecordSaver.Options o) {
        return switch (operation) {
            case "insert" -> saver.create(def.name(), values, o);
            case "update" -> saver.update(def.name(), requireId(values), values, o);
            case "upsert" -> {
                Object key = values.get(extField);
                if (key == null && extField.equals("Id")) {
                    yield saver.create(def.name(), values, o); // an upsert on Id without one inserts
                }
                yield saver.upsert(def.name(), extField, key == null ? null : key.toString(), values, o, false);
            }
            default -> {
                String id = requireId(values);
                saver.delete(def.name(), id, o);
                yield new RecordSaver.Saved(id, false);
            }
        };
    }

    static String requireId(Map<String, Object> values) {
        Object id = values.get("Id");
        if (id == null) {
            throw ApiException.badRequest("MISSING_ARGUMENT", "Id not specified in an update call", "Id");
        }
        return id.toString();
    }

    /** The results are written with the job's column delimiter, as its data came. */
    private static CSVFormat resultFormat(List<String> first, List<String> header, char delimiter) {
        List<String> all = new ArrayList<>(first);
        all.addAll(header);
        return CSVFormat.RFC4180.builder().setDelimiter(delimiter).setHeader(all.toArray(String[]::new))
                .setQuoteMode(QuoteMode.ALL).setRecordSeparator("\n").get();
    }

    private static String unprocessed(List<String> header, List<CSVRecord> rows, char delimiter) {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.RFC4180.builder().setDelimiter(delimiter)
                .setHeader(header.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (CSVRecord r : rows) {
                p.printRecord(r.toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void fail(Job job, String message) {
        synchronized (job) {
            job.info.put("state", "Failed");
            job.info.put("errorMessage", message);
        }
    }
}
