package io.sfsync.emulator.soql;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small in-memory sObject store for tests: a describe-like schema (Lead, Contact, Account,
 * User, Group), records keyed by canonical field names, real 18-character Ids and a fixed
 * clock so relative date literals are deterministic.
 */
final class InMemoryDataSource implements SoqlDataSource {
    static final Instant NOW = Instant.parse("2026-11-23T18:54:20Z");

    private record FieldDef(String name, String type, List<String> referenceTo) {}

    private final Map<String, String> objectsByLowerName = new LinkedHashMap<>();
    private final Map<String, String> prefixes = new HashMap<>();
    private final Map<String, String> objectsByPrefix = new HashMap<>();
    private final Map<String, Map<String, FieldDef>> fields = new HashMap<>();
    private final Map<String, List<Map<String, Object>>> records = new HashMap<>();
    private final Map<String, Map<String, Object>> byId15 = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final Clock clock;
    /** object -> field -> ordered index, for the fields {@link #keepInOrder} was asked for. */
    private final Map<String, Map<String, OrderedIndex>> ordered = new HashMap<>();
    private boolean orderedReads = true;
    private int orderedReadsServed;

    InMemoryDataSource() {
        this(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    InMemoryDataSource(Clock clock) {
        this.clock = clock;
        object("User", "005",
                f("Id", "id"), f("Name", "string"), f("FirstName", "string"), f("LastName", "string"),
                f("Email", "email"), f("Username", "string"), f("IsActive", "boolean"),
                f("ManagerId", "reference", "User"), f("CreatedDate", "datetime"));
        object("Group", "00G",
                f("Id", "id"), f("Name", "string"), f("Email", "email"), f("Type", "picklist"));
        object("Account", "001",
                f("Id", "id"), f("Name", "string"), f("OwnerId", "reference", "User"),
                f("Industry", "picklist"), f("AnnualRevenue", "currency"), f("NumberOfEmployees", "int"),
                f("Website", "url"), f("IsDeleted", "boolean"), f("CreatedDate", "datetime"),
                f("SystemModstamp", "datetime"));
        object("Contact", "003",
                f("Id", "id"), f("FirstName", "string"), f("LastName", "string"), f("Email", "email"),
                f("Phone", "phone"), f("AccountId", "reference", "Account"), f("OwnerId", "reference", "User"),
                f("Birthdate", "date"), f("IsDeleted", "boolean"), f("CreatedDate", "datetime"),
                f("SystemModstamp", "datetime"));
        object("Lead", "00Q",
                f("Id", "id"), f("FirstName", "string"), f("LastName", "string"), f("Company", "string"),
                f("Email", "email"), f("Phone", "phone"), f("Website", "url"), f("Description", "textarea"),
                f("Status", "picklist"), f("LeadSource", "picklist"),
                f("OwnerId", "reference", "User", "Group"),
                f("ConvertedContactId", "reference", "Contact"), f("ConvertedAccountId", "reference", "Account"),
                f("Partner__c", "reference", "Account"),
                f("IsConverted", "boolean"), f("IsDeleted", "boolean"), f("AnnualRevenue", "currency"),
                f("NumberOfEmployees", "int"), f("Score__c", "double"), f("Probability__c", "percent"),
                f("LastActivityDate", "date"), f("CreatedDate", "datetime"), f("SystemModstamp", "datetime"));
    }

    private static FieldDef f(String name, String type, String... referenceTo) {
        return new FieldDef(name, type, List.of(referenceTo));
    }

    private void object(String name, String prefix, FieldDef... defs) {
        objectsByLowerName.put(lower(name), name);
        prefixes.put(name, prefix);
        objectsByPrefix.put(prefix, name);
        Map<String, FieldDef> byLower = new LinkedHashMap<>();
        for (FieldDef def : defs) {
            byLower.put(lower(def.name()), def);
        }
        fields.put(name, byLower);
        records.put(name, new ArrayList<>());
    }

    /** Inserts a record (Id generated, IsDeleted defaulted) and returns its 18-char Id. */
    String insert(String object, Object... keyValues) {
        Map<String, Object> rec = new LinkedHashMap<>();
        String id = nextId(object);
        rec.put("Id", id);
        if (fields.get(object).containsKey("isdeleted")) {
            rec.put("IsDeleted", false);
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            rec.put((String) keyValues[i], keyValues[i + 1]);
        }
        records.get(object).add(rec);
        byId15.put(id.substring(0, 15), rec);
        reindex(object, rec);
        return id;
    }

    void delete(String id) {
        byId15.get(id.substring(0, 15)).put("IsDeleted", true);
    }

    void undelete(String id) {
        byId15.get(id.substring(0, 15)).put("IsDeleted", false);
    }

    /** Changes fields of a stored record in place, keeping ordered indexes in step. */
    void update(String id, Object... keyValues) {
        Map<String, Object> rec = byId15.get(id.substring(0, 15));
        for (int i = 0; i < keyValues.length; i += 2) {
            rec.put((String) keyValues[i], keyValues[i + 1]);
        }
        reindex(objectOfId(id), rec);
    }

    /** Keeps the field of the object in an {@link OrderedIndex} from now on, its records so far included. */
    void keepInOrder(String object, String field) {
        OrderedIndex index = new OrderedIndex(fieldType(object, field));
        ordered.computeIfAbsent(object, k -> new HashMap<>()).put(field, index);
        for (Map<String, Object> rec : records.get(object)) {
            index.put((String) rec.get("Id"), rec.get(field));
        }
    }

    /** Whether {@link #ordered} answers from the indexes (false: every query scans, as without them). */
    void orderedReads(boolean on) {
        orderedReads = on;
    }

    /** How many queries were answered from an ordered index so far. */
    int orderedReadsServed() {
        return orderedReadsServed;
    }

    private void reindex(String object, Map<String, Object> rec) {
        for (Map.Entry<String, OrderedIndex> e : ordered.getOrDefault(object, Map.of()).entrySet()) {
            e.getValue().put((String) rec.get("Id"), rec.get(e.getKey()));
        }
    }

    private String nextId(String object) {
        int n = counters.merge(object, 1, Integer::sum);
        String base = prefixes.get(object) + "Ab0000" + String.format(Locale.ROOT, "%06d", n);
        return base + checksum(base);
    }

    /** Salesforce's 15-to-18 suffix: one char per 5-char chunk encoding which are upper case. */
    static String checksum(String id15) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        StringBuilder out = new StringBuilder();
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = id15.charAt(chunk * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            out.append(alphabet.charAt(bits));
        }
        return out.toString();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    @Override
    public String resolveObject(String name) {
        return objectsByLowerName.get(lower(name));
    }

    @Override
    public String resolveField(String object, String field) {
        FieldDef def = fields.get(object).get(lower(field));
        return def == null ? null : def.name();
    }

    @Override
    public String fieldType(String object, String field) {
        FieldDef def = fields.get(object).get(lower(field));
        return def == null ? null : def.type();
    }

    @Override
    public String relationshipField(String object, String relationshipName) {
        for (FieldDef def : fields.get(object).values()) {
            if (def.type().equals("reference")
                    && relationshipName(object, def.name()).equalsIgnoreCase(relationshipName)) {
                return def.name();
            }
        }
        return null;
    }

    @Override
    public List<String> referenceTo(String object, String referenceField) {
        FieldDef def = fields.get(object).get(lower(referenceField));
        return def == null ? List.of() : def.referenceTo();
    }

    @Override
    public List<Map<String, Object>> records(String object, boolean includeDeleted) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> rec : records.get(object)) {
            if (includeDeleted || !Boolean.TRUE.equals(rec.get("IsDeleted"))) {
                out.add(rec);
            }
        }
        return out;
    }

    @Override
    public Iterator<Map<String, Object>> ordered(String object, String field, OrderedIndex.Range range,
            boolean valueDescending, boolean idDescending, boolean includeDeleted) {
        OrderedIndex index = ordered.getOrDefault(object, Map.of()).get(field);
        if (!orderedReads || index == null || !index.usable()) {
            return null;
        }
        orderedReadsServed++;
        List<Map<String, Object>> out = new ArrayList<>();
        index.ids(range, valueDescending, idDescending).forEachRemaining(id -> {
            Map<String, Object> rec = byId15.get(id.substring(0, 15));
            if (includeDeleted || !Boolean.TRUE.equals(rec.get("IsDeleted"))) {
                out.add(rec);
            }
        });
        return out.iterator();
    }

    @Override
    public Map<String, Object> findById(String id) {
        return id.length() < 15 ? null : byId15.get(id.substring(0, 15));
    }

    @Override
    public String objectOfId(String id) {
        return id.length() < 3 ? null : objectsByPrefix.get(id.substring(0, 3));
    }

    @Override
    public String apiVersion() {
        return "62.0";
    }

    @Override
    public Clock clock() {
        return clock;
    }
}
