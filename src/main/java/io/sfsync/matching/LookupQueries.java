package io.sfsync.matching;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.sfsync.salesforce.Soql;

/**
 * The SOQL of every lookup sfsync makes to find records before it writes: people by Id, external ID
 * and email, Accounts by name and website domain, owners' Users by email. The sync's match step and the
 * API's lookup both build their queries here, so both find a record the same way.
 */
public final class LookupQueries {
    private LookupQueries() {
    }

    /**
     * People of an object whose Id, external ID or email is one of these; null when there is nothing
     * to look for.
     */
    public static String people(String object, Collection<String> fields, Collection<String> ids, String externalIdField,
            Collection<String> externalIds, Collection<String> emails) {
        List<String> where = new ArrayList<>();
        if (!ids.isEmpty()) {
            where.add("Id IN " + Soql.inList(ids));
        }
        if (externalIdField != null && !externalIds.isEmpty()) {
            where.add(externalIdField + " IN " + Soql.inList(externalIds));
        }
        if (!emails.isEmpty()) {
            where.add("Email IN " + Soql.inList(emails));
        }
        return where.isEmpty() ? null : select(object, fields, where);
    }

    /** Accounts with one of these names or whose website is on one of these domains; null when none. */
    public static String accounts(Collection<String> fields, Collection<String> names, Collection<String> domains) {
        List<String> where = new ArrayList<>();
        if (!names.isEmpty()) {
            where.add("Name IN " + Soql.inList(names));
        }
        for (String d : domains) {
            where.add("Website LIKE " + Soql.containsPattern(d));
        }
        return where.isEmpty() ? null : select("Account", fields, where);
    }

    /** The active Users with these emails (owners). */
    public static String activeUsers(Collection<String> emails) {
        return "SELECT Id, Email FROM User WHERE IsActive = true AND Email IN " + Soql.inList(emails);
    }

    private static String select(String object, Collection<String> fields, List<String> where) {
        return "SELECT " + String.join(", ", fields) + " FROM " + object + " WHERE " + String.join(" OR ", where);
    }
}
