package io.sfsync.config;

import java.util.List;
import java.util.Map;

/**
 * Salesforce → source for one job: the objects polled, each with the table its records land in, and
 * what deletes, conflicts and addresses do. {@link #NONE} for an outbound job.
 *
 * @param targets per polled object, in the order records are applied: Accounts before people, so a
 *        Contact finds its company row
 * @param deletedFlag for {@link OnDelete#FLAG}: the boolean column set true
 * @param addressIncompleteFlag a boolean column set when a person's address lacks a part (null: none)
 * @param pageSize records per object and page
 * @param bulkFirstLoad an object whose first load is more than a page goes on through a Bulk API 2.0 query job
 * @param settleSeconds a poll reads records changed up to this long ago, not later: a transaction that
 *        commits after others with a later SystemModstamp is still ahead of the cursor
 */
public record InboundConfig(Map<String, Target> targets, OnDelete onDelete, String deletedFlag,
        ConflictPolicy onConflict, AddressFrom addressFrom, String addressIncompleteFlag, int pageSize,
        int settleSeconds, boolean bulkFirstLoad) {

    public static final InboundConfig NONE = new InboundConfig(Map.of(), OnDelete.IGNORE, null, ConflictPolicy.ASK,
            AddressFrom.ACCOUNT_FIRST, null, 2000, 30, true);

    public enum NewRows { INSERT, SKIP }
    public enum OnDelete { FLAG, DELETE, IGNORE }
    public enum ConflictPolicy { ASK, MERGE }
    public enum AddressFrom { ACCOUNT_FIRST, RECORD }

    /**
     * Where one object's records go.
     *
     * @param columns a field rule's {@code from} → the table's column, where the two differ
     * @param newKey {@code sequence:<name>}, {@code field:<Field>}, or null (the database's default)
     * @param matchOn Salesforce field → column, tried in order for a record not linked yet
     * @param accountColumn Contacts: the column with the key of the company row of the Contact's Account
     */
    public record Target(String object, String table, String key, String changedAt, Map<String, String> columns,
            NewRows newRows, String newKey, Map<String, String> matchOn, String accountColumn) {

        /** The table column a field rule's {@code from} names. */
        public String column(String from) {
            return columns.getOrDefault(from, from);
        }

        public boolean isPerson() {
            return object.equals("Lead") || object.equals("Contact");
        }
    }

    public boolean enabled() {
        return !targets.isEmpty();
    }

    /** The polled objects, in the order their records are applied. */
    public List<String> objects() {
        return List.copyOf(targets.keySet());
    }
}
