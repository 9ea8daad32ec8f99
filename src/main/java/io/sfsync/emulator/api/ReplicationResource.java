package io.sfsync.emulator.api;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.SObjectDef;

/**
 * Data replication, as Salesforce's REST API offers it: {@code /sobjects/{type}/updated/?start=&end=}
 * (the Ids of records added or changed in the span, by SystemModstamp) and {@code /deleted/} (the
 * records deleted in it, with when). The seconds of start and end are ignored; start must come before
 * end and lie within the last 30 days; an end in the future covers up to now; at most 600,000 Ids.
 */
final class ReplicationResource {
    /** How far back Salesforce answers. */
    static final Duration HISTORY = Duration.ofDays(30);
    static final int MAX_IDS = 600_000;
    private static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd().toFormatter();

    private final EmulatedOrg org;

    ReplicationResource(EmulatedOrg org) {
        this.org = org;
    }

    /** The span a request covers: its start and its end, both on the minute, the end at most now. */
    private record Span(Instant start, Instant end) {
        boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    ApiResponse updated(SObjectDef def, ApiRequest req) {
        Span span = span(req);
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> r : org.store().list(def.name(), false)) {
            Instant stamp = stamp(r);
            if (stamp != null && span.contains(stamp)) {
                ids.add((String) r.get("Id"));
            }
        }
        tooMany(ids.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ids", ids);
        body.put("latestDateCovered", EmulatedOrg.DATETIME.format(span.end()));
        return ApiResponse.json(200, body);
    }

    ApiResponse deleted(SObjectDef def, ApiRequest req) {
        Span span = span(req);
        List<Map<String, Object>> deleted = new ArrayList<>();
        Instant earliest = null;
        for (Map<String, Object> r : org.store().list(def.name(), true)) {
            if (!Boolean.TRUE.equals(r.get("IsDeleted"))) {
                continue;
            }
            Instant when = stamp(r);
            if (when == null) {
                continue;
            }
            earliest = earliest == null || when.isBefore(earliest) ? when : earliest;
            if (span.contains(when)) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("id", r.get("Id"));
                d.put("deletedDate", EmulatedOrg.DATETIME.format(when));
                deleted.add(d);
            }
        }
        tooMany(deleted.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deletedRecords", deleted);
        body.put("earliestDateAvailable", EmulatedOrg.DATETIME.format(
                (earliest == null ? span.end() : earliest).truncatedTo(ChronoUnit.MINUTES)));
        body.put("latestDateCovered", EmulatedOrg.DATETIME.format(span.end()));
        return ApiResponse.json(200, body);
    }

    private Span span(ApiRequest req) {
        Instant start = parse(req, "start");
        Instant end = parse(req, "end");
        Instant now = org.instant().truncatedTo(ChronoUnit.MINUTES);
        if (!start.isBefore(end)) {
            throw ApiException.badRequest("INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate");
        }
        if (start.isBefore(now.minus(HISTORY))) {
            throw ApiException.badRequest("INVALID_REPLICATION_DATE", "startDate cannot be more than 30 days ago");
        }
        return new Span(start, end.isAfter(now) ? now : end);
    }

    private static Instant parse(ApiRequest req, String name) {
        String v = req.param(name);
        if (v == null || v.isBlank()) {
            throw ApiException.badRequest("MISSING_ARGUMENT", "Missing required parameter: " + name);
        }
        try {
            return OffsetDateTime.parse(v.trim().replace(' ', '+'), DATETIME).toInstant().truncatedTo(ChronoUnit.MINUTES);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("INVALID_REPLICATION_DATE", "'" + v + "' is not a valid dateTime for " + name
                    + " (e.g. 2026-05-06T00:00:00+00:00)");
        }
    }

    private static Instant stamp(Map<String, Object> record) {
        Object v = record.get("SystemModstamp");
        if (v == null) {
            v = record.get("LastModifiedDate");
        }
        try {
            return v == null ? null : OffsetDateTime.parse(v.toString(), EmulatedOrg.DATETIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void tooMany(int n) {
        if (n > MAX_IDS) {
            throw ApiException.badRequest("EXCEEDED_ID_LIMIT", n + " records in the span; more than " + MAX_IDS
                    + " (choose start and end dates closer together)");
        }
    }
}
