package io.sfsync.emulator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SalesforceIds;
import io.sfsync.emulator.rules.AssignmentRule;
import io.sfsync.emulator.rules.DuplicateRule;
import io.sfsync.emulator.store.RecordStore;

/**
 * One emulated org: its metadata, records, rules and the running (integration) user. The baseline
 * after a reset is the integration user and the "Inbound Leads" queue that the default Lead
 * assignment rule assigns to.
 */
public final class EmulatedOrg {
    public static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    private final OrgSchema schema;
    private final RecordStore store;
    private final SalesforceIds ids = new SalesforceIds("5g", 1_000_000L);
    private final Clock clock;
    private final String orgId;
    private final String integrationUsername;
    private final Set<String> lockedIds = ConcurrentHashMap.newKeySet();
    private volatile String integrationUserId;
    private volatile String inboundQueueId;
    private volatile List<DuplicateRule> duplicateRules = DuplicateRule.standard();
    private volatile AssignmentRule leadAssignmentRule;

    public EmulatedOrg(OrgSchema schema, String integrationUsername, Clock clock) {
        this.schema = schema;
        this.store = new RecordStore(schema);
        this.clock = clock;
        this.integrationUsername = integrationUsername;
        this.orgId = SalesforceIds.to18("00D5g000004Sfsy");
        reset();
    }

    /** Drops every record and restores the baseline users, queue and rules. */
    public void reset() {
        store.lock().lock();
        try {
            store.clear();
            lockedIds.clear();
            duplicateRules = DuplicateRule.standard();
            integrationUserId = ids.next("005");
            String now = now();
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("Id", integrationUserId);
            user.put("Username", integrationUsername);
            user.put("FirstName", "Integration");
            user.put("LastName", "User");
            user.put("Name", "Integration User");
            user.put("Email", integrationUsername);
            user.put("Alias", "integ");
            user.put("IsActive", true);
            user.put("UserType", "Standard");
            user.put("TimeZoneSidKey", "America/Los_Angeles");
            user.put("LocaleSidKey", "en_US");
            user.put("EmailEncodingKey", "UTF-8");
            user.put("LanguageLocaleKey", "en_US");
            store.put(null, "User", systemFields(user, integrationUserId, now));
            inboundQueueId = ids.next("00G");
            Map<String, Object> queue = new LinkedHashMap<>();
            queue.put("Id", inboundQueueId);
            queue.put("Name", "Inbound Leads");
            queue.put("DeveloperName", "Inbound_Leads");
            queue.put("Type", "Queue");
            queue.put("OwnerId", integrationUserId);
            store.put(null, "Group", systemFields(queue, integrationUserId, now));
            leadAssignmentRule = new AssignmentRule("Standard Lead Assignment",
                    List.of(new AssignmentRule.Entry(Map.of(), inboundQueueId)));
        } finally {
            store.lock().unlock();
        }
    }

    /** Every record, deleted ones included, by object: the state a file can keep between runs. */
    public Map<String, List<Map<String, Object>>> snapshot() {
        store.lock().lock();
        try {
            Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
            for (var def : schema.objects()) {
                List<Map<String, Object>> records = store.list(def.name(), true);
                if (!records.isEmpty()) {
                    out.put(def.name(), records);
                }
            }
            return out;
        } finally {
            store.lock().unlock();
        }
    }

    /** Replaces every record with a snapshot's, keeping its Ids, its integration user and its queue. */
    public void restore(Map<String, List<Map<String, Object>>> snapshot) {
        store.lock().lock();
        try {
            reset();
            Map<String, Object> baselineUser = store.get(integrationUserId);
            Map<String, Object> baselineQueue = store.get(inboundQueueId);
            store.clear();
            String userId = null;
            String queueId = null;
            for (Map.Entry<String, List<Map<String, Object>>> e : snapshot.entrySet()) {
                for (Map<String, Object> r : e.getValue()) {
                    String id = (String) r.get("Id");
                    store.put(null, schema.object(e.getKey()).name(), r);
                    ids.ensureAbove(id);
                    if (e.getKey().equals("User") && integrationUsername.equalsIgnoreCase(String.valueOf(r.get("Username")))) {
                        userId = id;
                    }
                    if (e.getKey().equals("Group") && "Inbound_Leads".equals(r.get("DeveloperName"))) {
                        queueId = id;
                    }
                }
            }
            if (userId == null) {
                store.put(null, "User", baselineUser);
                userId = integrationUserId;
            }
            if (queueId == null) {
                store.put(null, "Group", baselineQueue);
                queueId = inboundQueueId;
            }
            integrationUserId = userId;
            inboundQueueId = queueId;
            leadAssignmentRule = new AssignmentRule("Standard Lead Assignment",
                    List.of(new AssignmentRule.Entry(Map.of(), inboundQueueId)));
        } finally {
            store.lock().unlock();
        }
    }

    /** Adds Id-independent system fields (created/modified stamps, IsDeleted) to a new record. */
    public Map<String, Object> systemFields(Map<String, Object> record, String userId, String now) {
        record.putIfAbsent("IsDeleted", false);
        record.putIfAbsent("CreatedDate", now);
        record.putIfAbsent("CreatedById", userId);
        record.putIfAbsent("LastModifiedDate", now);
        record.putIfAbsent("LastModifiedById", userId);
        record.putIfAbsent("SystemModstamp", now);
        return record;
    }

    public String now() {
        return DATETIME.format(Instant.now(clock));
    }

    public Instant instant() {
        return Instant.now(clock);
    }

    /** The API version used in record URLs that do not come from a request (e.g. duplicate results). */
    public String defaultApiVersion() { return SalesforceEmulator.DEFAULT_API_VERSION; }

    public OrgSchema schema() { return schema; }
    public RecordStore store() { return store; }
    public SalesforceIds ids() { return ids; }
    public String orgId() { return orgId; }
    public String integrationUserId() { return integrationUserId; }
    public String integrationUsername() { return integrationUsername; }
    public String inboundQueueId() { return inboundQueueId; }
    public Set<String> lockedIds() { return lockedIds; }
    public List<DuplicateRule> duplicateRules() { return duplicateRules; }
    public void duplicateRules(List<DuplicateRule> rules) { duplicateRules = new ArrayList<>(rules); }
    public AssignmentRule leadAssignmentRule() { return leadAssignmentRule; }
    public void leadAssignmentRule(AssignmentRule rule) { leadAssignmentRule = rule; }
}
