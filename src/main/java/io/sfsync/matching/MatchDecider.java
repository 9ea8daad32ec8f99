package io.sfsync.matching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.sfsync.config.JobConfig;

/**
 * What one row becomes, decided in memory from its batch's lookup: its link first, then its external
 * ID, then its email (the job's matchBy order); Contact before Lead when the job says so; a converted
 * Lead followed to its Contact; two live matches in one object are ambiguous (unless the job updates the
 * most recent); createOnly and updateOnly jobs skip what they do not do.
 */
public final class MatchDecider {
    private MatchDecider() {
    }

    /** What the row becomes. */
    public enum Kind { CREATE, UPDATE, DUPLICATE, SKIPPED }

    /**
     * @param object the Salesforce object the row becomes or updates
     * @param current the matched record's values (null when it is created)
     * @param reason for DUPLICATE and SKIPPED: the sync_log reason; else null
     * @param message for DUPLICATE and SKIPPED: what the operator reads; else null
     */
    public record Decision(Kind kind, String object, Map<String, Object> current, String reason, String message) {
    }

    /** The facts of one row that matching uses. */
    public record Row(String linkObject, String linkId, String externalId, String email) {
    }

    public static Decision decide(JobConfig job, String createAs, MatchIndex index, Row row) {
        Candidate found = null;
        for (JobConfig.MatchKey key : job.matchBy()) {
            found = switch (key) {
                case LINK -> linked(row, index, job, createAs);
                case EXTERNALID -> byKey(job, row.externalId(), index, true);
                case EMAIL -> byKey(job, row.email(), index, false);
            };
            if (found != null) {
                break;
            }
        }
        if (found != null && found.ambiguous != null) {
            return new Decision(Kind.DUPLICATE, found.object, null, "AMBIGUOUS_MATCH", found.ambiguous);
        }
        if (found != null && found.object.equals("Lead") && Boolean.TRUE.equals(found.record.get("IsConverted"))) {
            Object contactId = found.record.get("ConvertedContactId");
            Map<String, Object> contact = contactId == null ? null : index.byId("Contact", contactId.toString());
            if (contact == null) {
                return new Decision(Kind.SKIPPED, "Lead", found.record, "CONVERTED_LEAD", "Lead " + found.record.get("Id")
                        + " was converted and its Contact is gone; converted Leads are never updated");
            }
            found = new Candidate("Contact", contact, null);
        }
        if (found == null) {
            if (job.mode() == JobConfig.Mode.UPDATE_ONLY) {
                return new Decision(Kind.SKIPPED, createAs, null, "NOT_FOUND_UPDATE_ONLY", "no matching "
                        + String.join(" or ", job.matchIn()) + " and the job only updates");
            }
            return new Decision(Kind.CREATE, createAs, null, null, null);
        }
        if (job.mode() == JobConfig.Mode.CREATE_ONLY) {
            return new Decision(Kind.SKIPPED, found.object, found.record, "EXISTS_CREATE_ONLY", found.object + " "
                    + found.record.get("Id") + " already exists and the job only creates");
        }
        return new Decision(Kind.UPDATE, found.object, found.record, null, null);
    }

    private record Candidate(String object, Map<String, Object> record, String ambiguous) {
    }

    private static Candidate linked(Row row, MatchIndex index, JobConfig job, String createAs) {
        if (row.linkObject() == null || !job.matchIn().contains(row.linkObject()) && !row.linkObject().equals(createAs)) {
            return null;
        }
        Map<String, Object> rec = index.byId(row.linkObject(), row.linkId());
        return rec == null ? null : new Candidate(row.linkObject(), rec, null);
    }

    private static Candidate byKey(JobConfig job, String value, MatchIndex index, boolean externalId) {
        if (value == null) {
            return null;
        }
        for (String object : searchOrder(job)) {
            List<Map<String, Object>> hits = externalId ? index.byExternalId(object, value) : index.byEmail(object, value);
            if (object.equals("Lead") && hits.size() > 1) {
                // a converted Lead and the live Lead for the same person are not a real ambiguity
                List<Map<String, Object>> live = hits.stream().filter(h -> !Boolean.TRUE.equals(h.get("IsConverted"))).toList();
                if (live.size() == 1) {
                    hits = live;
                }
            }
            if (hits.size() == 1) {
                return new Candidate(object, hits.get(0), null);
            }
            if (hits.size() > 1) {
                if (job.onAmbiguousMatch() == JobConfig.AmbiguousPolicy.UPDATE_MOST_RECENT) {
                    Map<String, Object> latest = hits.stream()
                            .max(Comparator.comparing(h -> String.valueOf(h.get("LastModifiedDate")))).orElseThrow();
                    return new Candidate(object, latest, null);
                }
                return new Candidate(object, hits.get(0), hits.size() + " " + object + "s match " + (externalId
                        ? job.externalIdField() + " " : "email ") + value + ": " + hits.stream()
                        .map(h -> String.valueOf(h.get("Id"))).collect(Collectors.joining(", ")));
            }
        }
        return null;
    }

    /** matchIn order, except that Contact goes first when contactWinsOverLead. */
    static List<String> searchOrder(JobConfig job) {
        List<String> order = new ArrayList<>(job.matchIn());
        if (job.contactWinsOverLead() && order.remove("Contact")) {
            order.add(0, "Contact");
        }
        return order;
    }
}
