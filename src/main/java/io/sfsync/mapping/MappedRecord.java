package io.sfsync.mapping;

import java.util.List;
import java.util.Map;

import io.sfsync.source.SourceRow;

/**
 * A source row mapped to Salesforce values: per object (Lead, Contact, Account) only non-blank
 * values, so nothing blank is ever written over data; plus the keys matching needs.
 *
 * @param email the person's email, trimmed and lower-cased, for matching (null when none)
 * @param payloadHash hash of everything the row would write: equal to the link's hash means no change
 * @param defaulted per object, the fields whose value is the rule's default (the row had none)
 */
public record MappedRecord(SourceRow row, Map<String, Map<String, Object>> values, String email, String externalId,
        String ownerEmail, String accountDomain, String accountName, String payloadHash, List<MappingError> errors,
        Map<String, java.util.Set<String>> defaulted) {

    /**
     * Whether the object's field holds the rule's {@code default} because the row had no value: such a
     * value fills a blank (on create, or where Salesforce is blank) and never replaces data.
     */
    public boolean isDefaulted(String object, String field) {
        java.util.Set<String> fields = defaulted.get(object);
        return fields != null && fields.contains(field);
    }

    /** A mapping problem that names the record and the field. */
    public record MappingError(String object, String field, String code, String message) {
    }

    /** This mapping with one value of an object set (null removes it), its payload hash computed again. */
    public MappedRecord withValue(String object, String field, Object value) {
        Map<String, Map<String, Object>> copy = new java.util.LinkedHashMap<>();
        values.forEach((o, v) -> copy.put(o, new java.util.LinkedHashMap<>(v)));
        Map<String, Object> of = copy.computeIfAbsent(object, o -> new java.util.LinkedHashMap<>());
        if (value == null) {
            of.remove(field);
        } else {
            of.put(field, value);
        }
        java.util.Set<String> d = defaulted.get(object);
        Map<String, java.util.Set<String>> stillDefaulted = defaulted;
        if (d != null && d.contains(field)) {
            stillDefaulted = new java.util.LinkedHashMap<>(defaulted);
            java.util.Set<String> rest = new java.util.HashSet<>(d);
            rest.remove(field);
            stillDefaulted.put(object, rest);
        }
        return new MappedRecord(row, copy, email, externalId, ownerEmail, accountDomain, accountName,
                hashOf(copy, ownerEmail, accountDomain, accountName), errors, stillDefaulted);
    }

    /** The hash of everything a row would write: its values, its owner and its account. */
    static String hashOf(Map<String, Map<String, Object>> values, String owner, String domain, String accountName) {
        Map<String, Object> hashed = new java.util.LinkedHashMap<>(values);
        hashed.put("_owner", owner);
        hashed.put("_domain", domain);
        hashed.put("_account", accountName);
        return PayloadHasher.hash(hashed);
    }

    public Map<String, Object> valuesOf(String object) {
        return values.getOrDefault(object, Map.of());
    }

    public String key() {
        return row.key();
    }
}
