package io.sfsync.emulator.soql;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the SOQL evaluator needs from the emulator's data store. Names passed in are as the
 * query spelled them; everything returned is canonical.
 */
public interface SoqlDataSource {
    /**
     * A parent-to-child relationship: its canonical name (Contacts, Projects__r), the child
     * object and the child's reference field that points at the parent.
     */
    record ChildRelationship(String name, String childObject, String field) {
    }

    /** Canonical object name for a case-insensitive name, or null if no such sObject. */
    String resolveObject(String name);
    /** Canonical field name on the object (case-insensitive), or null. */
    String resolveField(String object, String field);
    /** Lower-case Salesforce field type: id, string, email, phone, url, textarea, picklist, boolean, int, double, currency, percent, date, datetime, reference. */
    String fieldType(String object, String field);
    /** For a relationship name such as "Owner" on Lead, the reference field name ("OwnerId"); null if none. Case-insensitive. */
    String relationshipField(String object, String relationshipName);
    /** Possible target objects of a reference field (e.g. OwnerId on Lead -> [User, Group]). */
    List<String> referenceTo(String object, String referenceField);
    /** Live records of the object (IsDeleted=false) or, when includeDeleted, deleted ones too. */
    List<Map<String,Object>> records(String object, boolean includeDeleted);
    /** Any record by 15- or 18-char Id, or null. */
    Map<String,Object> findById(String id);
    /** sObject type of a record Id (from its key prefix), or null. */
    String objectOfId(String id);
    /** API version string like "62.0", for attributes.url. */
    String apiVersion();

    /**
     * Canonical relationship name of a reference field, used as the key of the nested parent
     * map in results. Salesforce's convention: standard "XxxId" becomes "Xxx", custom
     * "Xxx__c" becomes "Xxx__r". Override when the store knows better.
     */
    default String relationshipName(String object, String referenceField) {
        if (referenceField.endsWith("__c")) {
            return referenceField.substring(0, referenceField.length() - 3) + "__r";
        }
        if (referenceField.length() > 2 && referenceField.endsWith("Id")) {
            return referenceField.substring(0, referenceField.length() - 2);
        }
        return referenceField;
    }

    /**
     * The child relationship of this name (case-insensitive) on the parent object, as a
     * subquery's FROM names it; null when the parent has none of that name.
     */
    default ChildRelationship childRelationship(String parentObject, String relationshipName) {
        return null;
    }

    /**
     * Clock (and zone) that relative date literals such as TODAY or LAST_N_DAYS:n are
     * evaluated against; the zone plays the role of the running user's time zone.
     */
    default Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Live records whose field equals one of the values (case-insensitively, as SOQL compares text),
     * answered from an index; null when the field has no index (the query then scans).
     */
    default List<Map<String, Object>> lookup(String object, String field, java.util.Collection<String> values) {
        return null;
    }

    /**
     * The records of the object in an {@link OrderedIndex} of the field, restricted to the range: by
     * value ascending or descending, records sharing a value by Id ascending or descending; deleted
     * records only when {@code includeDeleted}. Null when the field has no usable ordered index (the
     * query then scans). Read lazily, during the query, under the same guard as {@link #records}.
     */
    default Iterator<Map<String, Object>> ordered(String object, String field, OrderedIndex.Range range,
            boolean valueDescending, boolean idDescending, boolean includeDeleted) {
        return null;
    }
}
