package io.sfsync.emulator.soql;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A field path checked against the data source. Polymorphic references (Lead.Owner is a User
 * or a Group) are why names are kept per object type: the record actually reached decides
 * which reference field and which column to read.
 */
record ResolvedPath(List<Hop> hops, Map<String, String> fieldByObject, String fieldName,
                    FieldKind kind, String dotted) implements Projection {

    /**
     * Refuses a compound field (an address) where a query filters, sorts or groups on it, as Salesforce does.
     *
     * @param use "filtered", "sorted" or "grouped"
     */
    ResolvedPath requireScalar(String use) {
        if (kind == FieldKind.COMPOUND) {
            throw new SoqlException(SoqlException.INVALID_FIELD, "field '" + fieldName + "' can not be " + use
                    + " in a query call");
        }
        return this;
    }

    /**
     * One parent-relationship step. {@code name} is the canonical relationship name used as
     * the key of the nested map in results; {@code referenceFieldByObject} maps each possible
     * source object to its reference field.
     */
    record Hop(String name, Map<String, String> referenceFieldByObject) {
        /** The parent row this hop leads to from {@code row}, or null. */
        Row follow(Row row, ExecutionContext ctx) {
            String ref = referenceFieldByObject.get(row.type());
            return ref == null ? null : ctx.parent(row.fields().get(ref));
        }
    }

    /** The row holding the final field, or null when a reference on the way is empty. */
    Row target(Row row, ExecutionContext ctx) {
        Row current = row;
        for (Hop hop : hops) {
            current = hop.follow(current, ctx);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /** The stored value at the end of the path (null along an empty reference). */
    Object value(Row row, ExecutionContext ctx) {
        Row target = target(row, ctx);
        return target == null ? null : valueOn(target);
    }

    /** The final column read from a row already at the end of the path. */
    Object valueOn(Row target) {
        String f = fieldByObject.get(target.type());
        return f == null ? null : target.fields().get(f);
    }

    /** The comparable key of {@link #value}. */
    Comparable<?> key(Row row, ExecutionContext ctx) {
        return SoqlValues.key(kind, value(row, ctx));
    }

    /** Canonical identity, case-folded for duplicate/grouping checks. */
    String identity() {
        return dotted.toLowerCase(Locale.ROOT);
    }
}
