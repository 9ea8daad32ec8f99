package io.sfsync.emulator.rules;

import java.util.List;
import java.util.Map;

/**
 * The active Lead assignment rule: entries evaluated in order, the first whose criteria all match
 * (case-insensitive equality of field values) assigns the owner (a User or a queue Id).
 */
public record AssignmentRule(String name, List<Entry> entries) {

    public record Entry(Map<String, String> criteria, String assignToId) {
        boolean matches(Map<String, Object> record) {
            for (Map.Entry<String, String> c : criteria.entrySet()) {
                Object v = record.get(c.getKey());
                if (v == null || !v.toString().equalsIgnoreCase(c.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The owner the rule assigns, or null when no entry matches. */
    public String assign(Map<String, Object> record) {
        for (Entry e : entries) {
            if (e.matches(record)) {
                return e.assignToId();
            }
        }
        return null;
    }
}
