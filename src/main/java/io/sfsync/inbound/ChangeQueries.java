package io.sfsync.inbound;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.sfsync.config.FieldRule;
import io.sfsync.config.InboundConfig;
import io.sfsync.config.JobConfig;
import io.sfsync.salesforce.ObjectInfo;
import io.sfsync.salesforce.Soql;

/**
 * The change-capture SOQL of one polled object: the page after a (SystemModstamp, Id) cursor, ordered by
 * both, through queryAll so deleted and merged records come too. SystemModstamp is not unique: the cursor
 * carries the Id of the last record read, so records sharing one SystemModstamp across a page boundary
 * are neither missed nor read twice.
 */
public final class ChangeQueries {
    static final DateTimeFormatter SOQL_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** A Contact's own address fields and its Account's, part for part. */
    public static final List<String> ADDRESS_PARTS = List.of("Street", "City", "State", "PostalCode", "Country");

    private ChangeQueries() {
    }

    /** Where a poll of one object continues: after this record (null: from the beginning). */
    public record Cursor(Instant modstamp, String lastId) {
        public static final Cursor START = new Cursor(null, null);

        public boolean isAfter(Instant otherModstamp, String otherId) {
            if (modstamp == null) {
                return false;
            }
            int c = modstamp.compareTo(otherModstamp);
            return c > 0 || (c == 0 && lastId != null && lastId.compareTo(otherId) >= 0);
        }
    }

    /** The fields a poll of {@code object} selects. */
    public static Set<String> fields(JobConfig job, String object, ObjectInfo info) {
        Set<String> fields = new LinkedHashSet<>(List.of("Id", "SystemModstamp", "LastModifiedDate", "IsDeleted"));
        // the objects Salesforce merges carry the survivor's Id on the merged-away records
        if (List.of("Lead", "Contact", "Account").contains(object)) {
            fields.add("MasterRecordId");
        }
        if (object.equals("Lead")) {
            fields.addAll(List.of("IsConverted", "ConvertedContactId", "ConvertedAccountId"));
        }
        InboundConfig.Target target = job.inbound().targets().get(object);
        if (object.equals("Contact") && target != null && target.accountColumn() != null) {
            fields.add("AccountId");
        }
        if (object.equals("Contact") && job.inbound().addressFrom() == InboundConfig.AddressFrom.ACCOUNT_FIRST
                && mapsAddress(job, "Contact")) {
            fields.add("AccountId");
            ADDRESS_PARTS.forEach(p -> fields.add("Account.Billing" + p));
        }
        if (target != null) {
            fields.addAll(target.matchOn().keySet());
            if (target.newKey() != null && target.newKey().startsWith("field:")) {
                fields.add(target.newKey().substring("field:".length()).trim());
            }
        }
        for (FieldRule rule : job.fieldsOf(object)) {
            if (rule.inbound()) {
                fields.add(info == null || info.field(rule.field()) == null ? rule.field() : info.field(rule.field()).name());
            }
        }
        return fields;
    }

    /** Whether the job brings a Contact's (or Lead's) address into the source. */
    public static boolean mapsAddress(JobConfig job, String object) {
        String prefix = object.equals("Contact") ? "Mailing" : "";
        return job.fieldsOf(object).stream().anyMatch(r -> r.inbound()
                && ADDRESS_PARTS.stream().anyMatch(p -> r.field().equalsIgnoreCase(prefix + p)));
    }

    /**
     * The page of {@code object}'s changes after {@code cursor} and up to {@code upTo} (a closed window: the
     * changes of the last moments wait for the next poll).
     */
    public static String page(String object, Collection<String> fields, Cursor cursor, Instant upTo, int pageSize) {
        StringBuilder q = new StringBuilder("SELECT ").append(String.join(", ", fields)).append(" FROM ").append(object)
                .append(" WHERE SystemModstamp <= ").append(SOQL_DATETIME.format(upTo));
        if (cursor.modstamp() != null) {
            String at = SOQL_DATETIME.format(cursor.modstamp());
            q.append(" AND (SystemModstamp > ").append(at).append(" OR (SystemModstamp = ").append(at)
                    .append(" AND Id > ").append(Soql.quote(cursor.lastId() == null ? "" : cursor.lastId())).append("))");
        }
        return q.append(" ORDER BY SystemModstamp, Id LIMIT ").append(pageSize).toString();
    }

    /** The current records with these Ids (Accounts a page's Contacts point to, Leads converted into its Contacts). */
    public static String byIds(String object, Collection<String> fields, Collection<String> ids) {
        return "SELECT " + String.join(", ", fields) + " FROM " + object + " WHERE Id IN " + Soql.inList(ids);
    }

    /** The converted Leads whose Contacts are these. */
    public static String convertedInto(Collection<String> contactIds) {
        return "SELECT Id, ConvertedContactId, ConvertedAccountId FROM Lead WHERE IsConverted = true AND"
                + " ConvertedContactId IN " + Soql.inList(contactIds);
    }
}
