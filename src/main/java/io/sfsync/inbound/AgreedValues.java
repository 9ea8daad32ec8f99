package io.sfsync.inbound;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sfsync.config.FieldRule;

/**
 * For the fields a job syncs both ways, the values the two sides last agreed on, kept on the record's
 * link ({"Title": {"sf": "CTO", "src": "CTO"}}): Salesforce's value and the source column's (they may be
 * written differently, e.g. an email lower-cased on its way out). Against them a sync tells which side
 * changed a field since — for most_recent only the changed side's value moves, and only when both changed
 * it do the record's and the row's times decide. Without an agreement yet the merge rule decides alone.
 */
public final class AgreedValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AgreedValues() {
    }

    /** One field's agreed values. */
    public record Pair(String sf, String src) {
    }

    public static Map<String, Pair> parse(String json) {
        Map<String, Pair> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        try {
            JsonNode n = JSON.readTree(json);
            n.fields().forEachRemaining(f -> out.put(f.getKey(), new Pair(text(f.getValue().get("sf")),
                    text(f.getValue().get("src")))));
        } catch (java.io.IOException e) {
            return out; // an unreadable agreement is no agreement: the merge rules decide
        }
        return out;
    }

    public static String write(Map<String, Pair> values) {
        if (values.isEmpty()) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        values.forEach((k, p) -> {
            ObjectNode f = n.putObject(k);
            f.put("sf", p.sf());
            f.put("src", p.src());
        });
        return n.toString();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    /** A value as the agreement keeps it: text, numbers without trailing zeros, blank as null. */
    public static String text(Object v) {
        if (v == null || v.toString().isBlank()) {
            return null;
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Number num) {
            return new java.math.BigDecimal(num.toString()).stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }

    /**
     * Whether the source's value may replace Salesforce's on an update of a field synced both ways, knowing
     * what they last agreed on: only if the source changed it since; if Salesforce changed it too, the merge
     * rule decides. A blank is never sent.
     */
    public static boolean sendOut(FieldRule rule, Pair agreed, Object source, Object salesforce,
            java.time.Instant sourceChanged, java.time.Instant salesforceChanged) {
        if (agreed == null || !mostRecent(rule)) {
            return FieldMerge.outbound(rule, source, salesforce, sourceChanged, salesforceChanged);
        }
        boolean srcChanged = !InboundSync.same(source, agreed.src());
        boolean sfChanged = !InboundSync.same(salesforce, agreed.sf());
        if (!srcChanged || FieldMerge.isBlank(source)) {
            return false;
        }
        return !sfChanged || FieldMerge.outbound(rule, source, salesforce, sourceChanged, salesforceChanged);
    }

    /**
     * most_recent is about changes, so it looks at which side changed the field; salesforce_unless_blank and
     * source_unless_blank give one side the field whenever it has a value, whoever changed it.
     */
    private static boolean mostRecent(FieldRule rule) {
        return rule.merge() == null || rule.merge() == FieldRule.Merge.MOST_RECENT;
    }

    /** Which value the row ends with, knowing what the two sides last agreed on (see {@link #sendOut}). */
    public static FieldMerge.Winner takeIn(FieldRule rule, Pair agreed, Object salesforce, Object source,
            java.time.Instant salesforceChanged, java.time.Instant sourceChanged) {
        if (agreed == null || rule.direction() != FieldRule.Direction.BOTH || !mostRecent(rule)) {
            return FieldMerge.inbound(rule, salesforce, source, salesforceChanged, sourceChanged);
        }
        boolean sfChanged = !InboundSync.same(salesforce, agreed.sf());
        boolean srcChanged = !InboundSync.same(source, agreed.src());
        if (!sfChanged) {
            return FieldMerge.Winner.SOURCE;
        }
        if (!srcChanged) {
            return FieldMerge.isBlank(salesforce) && !FieldMerge.isBlank(source) ? FieldMerge.Winner.SOURCE
                    : FieldMerge.Winner.SALESFORCE;
        }
        return FieldMerge.inbound(rule, salesforce, source, salesforceChanged, sourceChanged);
    }
}
