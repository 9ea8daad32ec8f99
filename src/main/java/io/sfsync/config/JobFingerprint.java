package io.sfsync.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What decides the records a job's rows become — its source query, the segment a run reads, its
 * do-not-contact column, matching, ownership, accounts and field rules per object — hashed section by
 * section. A run whose fingerprint differs from the one the job's rows were last read with reads the
 * whole source again (a resync), and the sections that differ say why. Schedules, batch sizes and the
 * Bulk threshold change how rows travel, not what they become: they are left out.
 *
 * @param value the whole fingerprint (SHA-256, hex)
 * @param sections section name to its own hash (16 hex digits), in name order
 */
public record JobFingerprint(String value, Map<String, String> sections) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fingerprint of {@code job} read with the segment {@code segment}. */
    public static JobFingerprint of(JobConfig job, String segment) {
        Map<String, String> parts = new TreeMap<>();
        SourceConfig s = job.source();
        if (s != null) {
            parts.put("source", s.query() + "\n" + s.key() + "\n" + s.changedAt());
        }
        parts.put("segment", segment + ": " + job.segmentPredicate(segment));
        parts.put("doNotContact", String.valueOf(job.doNotContactColumn()));
        parts.put("matching", List.of(String.valueOf(job.createAs()), String.valueOf(job.matchIn()),
                String.valueOf(job.matchBy()), String.valueOf(job.externalIdField()), String.valueOf(job.mode()),
                String.valueOf(job.onAmbiguousMatch()), String.valueOf(job.allowSave()),
                String.valueOf(job.contactWinsOverLead())).toString());
        parts.put("ownership", String.valueOf(job.ownership()));
        parts.put("accounts", String.valueOf(job.accounts()));
        // what a rule makes of the row (seen by the payload hash) apart from when it is written (not seen by it)
        job.fields().forEach((object, rules) -> {
            parts.put("fields." + object, String.valueOf(rules.stream().map(r -> List.of(String.valueOf(r.field()),
                    String.valueOf(r.from()), String.valueOf(r.value()), String.valueOf(r.defaultValue()),
                    String.valueOf(r.transforms()), String.valueOf(r.picklist()), String.valueOf(r.onInvalid()))).toList()));
            parts.put("rules." + object, String.valueOf(rules.stream().map(r -> List.of(String.valueOf(r.field()),
                    String.valueOf(r.overwrite()), String.valueOf(r.when()), String.valueOf(r.direction()),
                    String.valueOf(r.merge()))).toList()));
        });
        Map<String, String> sections = new LinkedHashMap<>();
        StringBuilder whole = new StringBuilder();
        parts.forEach((name, text) -> {
            String h = sha256(text).substring(0, 16);
            sections.put(name, h);
            whole.append(name).append('=').append(h).append('\n');
        });
        return new JobFingerprint(sha256(whole.toString()), sections);
    }

    /**
     * Whether a change of this section can alter a record without altering the mapped values the payload hash
     * covers (overwrite rules, matching, ownership, accounts): a resync for it compares each row with its record.
     */
    public static boolean beyondThePayload(String section) {
        return section.startsWith("rules.") || section.equals("matching") || section.equals("ownership")
                || section.equals("accounts");
    }

    /** The sections as stored (a JSON object). */
    public String sectionsJson() {
        try {
            return JSON.writeValueAsString(sections);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sections that differ from those stored as {@code json} (added, removed or changed), in name order. */
    public List<String> changedFrom(String json) {
        Map<String, String> before;
        try {
            before = json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            return List.of("(unreadable stored sections)");
        }
        TreeMap<String, Boolean> names = new TreeMap<>();
        sections.keySet().forEach(n -> names.put(n, true));
        before.keySet().forEach(n -> names.put(n, true));
        List<String> out = new ArrayList<>();
        for (String n : names.keySet()) {
            if (!java.util.Objects.equals(sections.get(n), before.get(n))) {
                out.add(n);
            }
        }
        return out;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
