package io.sfsync.emulator.api;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.emulator.soql.FlatColumns;
import io.sfsync.emulator.soql.SoqlException;
import io.sfsync.emulator.soql.SoqlQuery;
import io.sfsync.emulator.soql.SoqlResult;

/**
 * Bulk API 2.0 query: /jobs/query. A job is created UploadComplete and runs in the background
 * (InProgress, then JobComplete, or Failed with an errorMessage when its SOQL does not run); its rows
 * are one snapshot taken when it runs, served as CSV in sets of at most maxRecords with an
 * Sforce-Locator that fetches the next set ("null" after the last).
 */
final class Bulk2QueryJobs {
    private static final List<String> OPERATIONS = List.of("query", "queryAll");
    static final Map<String, Character> DELIMITERS = Map.of("BACKQUOTE", '`', "CARET", '^', "COMMA", ',',
            "PIPE", '|', "SEMICOLON", ';', "TAB", '\t');
    static final Map<String, String> LINE_ENDINGS = Map.of("LF", "\n", "CRLF", "\r\n");
    private static final List<String> TERMINAL = List.of("JobComplete", "Failed", "Aborted");
    /** The keys Salesforce answers a create or an abort with; a GET has the counters too. */
    private static final List<String> SUMMARY = List.of("id", "operation", "object", "createdById", "createdDate",
            "systemModstamp", "state", "concurrencyMode", "contentType", "apiVersion", "lineEnding", "columnDelimiter");
    /**
     * A set without maxRecords: Salesforce cuts sets by size, the emulator by count, large enough that
     * small queries come back in one set.
     */
    static final int DEFAULT_MAX_RECORDS = 50_000;
    private static final DateTimeFormatter CSV_DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static final class Job {
        final Map<String, Object> info = new LinkedHashMap<>();
        final String soql;
        List<String> header = List.of();
        List<List<String>> rows = List.of();

        Job(String soql) {
            this.soql = soql;
        }

        synchronized String state() {
            return (String) info.get("state");
        }
    }

    private final EmulatedOrg org;
    private final Json json;
    private final ExecutorService worker;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    Bulk2QueryJobs(EmulatedOrg org, Json json, ExecutorService worker) {
        this.org = org;
        this.json = json;
        this.worker = worker;
    }

    /** Forgets every job; one still queued never runs. */
    void clear() {
        jobs.values().forEach(j -> state(j, "Aborted"));
        jobs.clear();
    }

    ApiResponse handle(ApiRequest req, RecordSaver.Options options) {
        String[] s = req.segments(); // jobs, query, ...
        String m = req.method();
        if (s.length == 2) {
            return switch (m) {
                case "POST" -> ApiResponse.json(200, create(req, options));
                case "GET" -> ApiResponse.json(200, list(req));
                default -> throw SObjectResource.methodNotAllowed(m);
            };
        }
        Job job = jobs.get(s[2]);
        if (job == null || s.length > 4) {
            throw ApiException.notFound();
        }
        if (s.length == 3) {
            return switch (m) {
                case "GET" -> ApiResponse.json(200, snapshot(job));
                case "PATCH" -> ApiResponse.json(200, abort(job, json.object(req.body())));
                case "DELETE" -> {
                    if (!TERMINAL.contains(job.state())) {
                        throw apiError("Error encountered when deleting the job because the job is not terminated");
                    }
                    jobs.remove(s[2]);
                    yield ApiResponse.noContent();
                }
                default -> throw SObjectResource.methodNotAllowed(m);
            };
        }
        if (!s[3].equals("results")) {
            throw ApiException.notFound();
        }
        SObjectResource.requireMethod(m, "GET");
        return results(job, req);
    }

    private Map<String, Object> create(ApiRequest req, RecordSaver.Options options) {
        Map<String, Object> body = json.object(req.body());
        Object operation = body.get("operation");
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw ApiException.badRequest("INVALIDJOB", "InvalidJob : Invalid job operation: " + operation);
        }
        Object soql = body.get("query");
        if (!(soql instanceof String q) || q.isBlank()) {
            throw ApiException.badRequest("INVALIDJOB", "InvalidJob : The query is missing");
        }
        String lineEnding = enumValue(body, "lineEnding", "LF", LINE_ENDINGS.keySet().stream().toList());
        String delimiter = enumValue(body, "columnDelimiter", "COMMA", DELIMITERS.keySet().stream().toList());
        enumValue(body, "contentType", "CSV", List.of("CSV"));
        Job job = new Job(q);
        String id = org.ids().next("750");
        String now = org.now();
        job.info.put("id", id);
        job.info.put("operation", operation);
        job.info.put("object", objectOf(q));
        job.info.put("createdById", options.userId());
        job.info.put("createdDate", now);
        job.info.put("systemModstamp", now);
        job.info.put("state", "UploadComplete");
        job.info.put("concurrencyMode", "Parallel");
        job.info.put("contentType", "CSV");
        job.info.put("apiVersion", Double.valueOf(req.apiVersion()));
        job.info.put("jobType", "V2Query");
        job.info.put("lineEnding", lineEnding);
        job.info.put("columnDelimiter", delimiter);
        job.info.put("numberRecordsProcessed", 0);
        job.info.put("retries", 0);
        job.info.put("totalProcessingTime", 0);
        jobs.put(id, job);
        Map<String, Object> answer = summary(job);
        worker.submit(() -> run(job, req.apiVersion()));
        return answer;
    }

    /** The FROM object, canonical when the org has it; as written, or null, when the SOQL is wrong. */
    private String objectOf(String soql) {
        try {
            String written = SoqlQuery.parse(soql).objectName();
            SObjectDef def = org.schema().object(written);
            return def == null ? written : def.name();
        } catch (SoqlException e) {
            return null;
        }
    }

    /** A value among Salesforce's names for it, such as a columnDelimiter; the default when absent. */
    static String enumValue(Map<String, Object> body, String key, String fallback, List<String> allowed) {
        Object v = body.get(key);
        if (v == null) {
            return fallback;
        }
        if (!allowed.contains(v)) {
            throw apiError("Value does not match expected type: " + key + " " + v);
        }
        return (String) v;
    }

    private Map<String, Object> list(ApiRequest req) {
        String jobType = req.param("jobType");
        List<Map<String, Object>> records = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (jobType == null || jobType.equals("V2Query")) {
                Map<String, Object> r = summary(j);
                r.put("jobType", "V2Query");
                records.add(r);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("done", true);
        out.put("records", records);
        out.put("nextRecordsUrl", null);
        return out;
    }

    private Map<String, Object> abort(Job job, Map<String, Object> body) {
        Object target = body.get("state");
        if (!"Aborted".equals(target)) {
            throw apiError("Invalid state for a query job: " + target + "; only Aborted can be set");
        }
        synchronized (job) {
            String current = job.state();
            if (TERMINAL.contains(current)) {
                throw apiError("Job is " + current + " and can no longer be aborted");
            }
            state(job, "Aborted");
            return summary(job);
        }
    }

    private ApiResponse results(Job job, ApiRequest req) {
        List<String> header;
        List<List<String>> rows;
        String lineEnding;
        char delimiter;
        synchronized (job) {
            if (!"JobComplete".equals(job.state())) {
                throw apiError("Results are only available for a job in JobComplete; this one is " + job.state());
            }
            header = job.header;
            rows = job.rows;
            lineEnding = LINE_ENDINGS.get((String) job.info.get("lineEnding"));
            delimiter = DELIMITERS.get((String) job.info.get("columnDelimiter"));
        }
        int max = maxRecords(req.param("maxRecords"));
        int from = req.param("locator") == null ? 0 : offset(req.param("locator"), rows.size());
        int to = (int) Math.min(rows.size(), (long) from + max);
        StringWriter out = new StringWriter();
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setRecordSeparator(lineEnding)
                .setQuoteMode(QuoteMode.ALL_NON_NULL).setNullString("").get();
        try (CSVPrinter csv = new CSVPrinter(out, format)) {
            csv.printRecord(header);
            for (List<String> row : rows.subList(from, to)) {
                csv.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ApiResponse.text(200, out.toString(), "text/csv")
                .withHeader("Sforce-Locator", to < rows.size() ? locator(to) : "null")
                .withHeader("Sforce-NumberOfRecords", String.valueOf(to - from));
    }

    private static int maxRecords(String param) {
        if (param == null) {
            return DEFAULT_MAX_RECORDS;
        }
        try {
            int n = Integer.parseInt(param.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw apiError("maxRecords must be a positive integer: " + param);
    }

    /** A locator names the position of a set's first row; it stays valid as long as the job exists. */
    private static String locator(int offset) {
        byte[] position = String.valueOf(offset).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position);
    }

    private static int offset(String locator, int size) {
        try {
            int offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(locator), StandardCharsets.UTF_8));
            if (offset >= 0 && offset <= size) {
                return offset;
            }
        } catch (IllegalArgumentException ignored) {
            // not one of ours: answered below
        }
        throw apiError("Invalid locator: " + locator);
    }

    /** Runs the query once, under the store's lock, and keeps its rows as the job's results. */
    private void run(Job job, String apiVersion) {
        long start = System.currentTimeMillis();
        boolean all;
        synchronized (job) {
            if (!"UploadComplete".equals(job.state())) {
                return;
            }
            state(job, "InProgress");
            all = "queryAll".equals(job.info.get("operation"));
        }
        Table table;
        try {
            table = table(org, job.soql, all, apiVersion, "Bulk API 2.0 query jobs");
        } catch (SoqlException e) {
            fail(job, "InvalidBatch : Failed to process query: " + e.errorCode() + ": " + e.getMessage());
            return;
        } catch (UnsupportedOperationException e) {
            fail(job, "InvalidBatch : Failed to process query: FUNCTIONALITY_NOT_ENABLED: " + e.getMessage());
            return;
        }
        List<String> header = table.header();
        List<List<String>> rows = table.rows();
        synchronized (job) {
            if (!"InProgress".equals(job.state())) {
                return; // aborted while it ran: its rows are dropped
            }
            job.header = header;
            job.rows = List.copyOf(rows);
            job.info.put("numberRecordsProcessed", rows.size());
            job.info.put("totalProcessingTime", System.currentTimeMillis() - start);
            state(job, "JobComplete");
        }
    }

    /** A query's result flattened as the Bulk APIs write it: the header of its columns, then a row per record. */
    record Table(List<String> header, List<List<String>> rows) {
    }

    /**
     * Runs the query once, under the store's lock (a snapshot), flattened for CSV.
     *
     * @throws SoqlException when the query does not run
     * @throws UnsupportedOperationException naming what the Bulk APIs do not take (GROUP BY, OFFSET, …)
     */
    static Table table(EmulatedOrg org, String soql, boolean all, String apiVersion, String api) {
        List<FlatColumns.Column> columns;
        SoqlResult result;
        org.store().lock().lock();
        try {
            SoqlQuery query = SoqlQuery.parse(soql);
            String unsupported = FlatColumns.unsupported(query);
            if (unsupported != null) {
                throw new UnsupportedOperationException(unsupported + " is not supported by " + api);
            }
            OrgDataSource ds = new OrgDataSource(org, apiVersion);
            columns = FlatColumns.of(query, ds);
            for (FlatColumns.Column c : columns) {
                if (c.path().size() == 1 && "address".equals(ds.fieldType(query.objectName(), c.path().get(0)))) {
                    throw new UnsupportedOperationException("Selecting compound data (" + c.name() + ") not supported");
                }
            }
            result = query.execute(ds, all);
        } finally {
            org.store().lock().unlock();
        }
        List<String> header = columns.stream().map(FlatColumns.Column::name).toList();
        List<List<String>> rows = new ArrayList<>(result.records().size());
        for (Map<String, Object> record : result.records()) {
            List<String> row = new ArrayList<>(columns.size());
            for (FlatColumns.Column c : columns) {
                row.add(cell(c.value(record), c.dateTime()));
            }
            rows.add(row);
        }
        return new Table(header, rows);
    }

    /** A value as Bulk API writes it in CSV: text as it is, date-times in UTC with a Z, null as null. */
    private static String cell(Object value, boolean dateTime) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map) {
            throw new UnsupportedOperationException("Selecting compound data (an address field) not supported in Bulk Query");
        }
        if (dateTime) {
            try {
                return CSV_DATETIME.format(EmulatedOrg.DATETIME.parse(value.toString(), Instant::from));
            } catch (DateTimeParseException e) {
                return value.toString();
            }
        }
        return value.toString();
    }

    private void fail(Job job, String message) {
        synchronized (job) {
            if ("InProgress".equals(job.state())) {
                job.info.put("errorMessage", message);
                state(job, "Failed");
            }
        }
    }

    private void state(Job job, String state) {
        synchronized (job) {
            job.info.put("state", state);
            job.info.put("systemModstamp", org.now());
        }
    }

    private static Map<String, Object> summary(Job job) {
        synchronized (job) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String key : SUMMARY) {
                out.put(key, job.info.get(key));
            }
            return out;
        }
    }

    private static Map<String, Object> snapshot(Job job) {
        synchronized (job) {
            return new LinkedHashMap<>(job.info);
        }
    }

    private static ApiException apiError(String message) {
        return ApiException.badRequest("API_ERROR", message);
    }
}
