package io.sfsync.emulator.soql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates field paths against the data source, producing Salesforce's INVALID_FIELD errors. */
final class PathResolver {
    /** Salesforce allows at most five levels of parent relationships in a path. */
    static final int MAX_RELATIONSHIP_DEPTH = 5;

    private static final String CUSTOM_FIELD_HINT = " If you are attempting to use a custom field, be sure to"
            + " append the '__c' after the custom field name. Please reference your WSDL or the describe call for"
            + " the appropriate names.";
    private static final String CUSTOM_RELATIONSHIP_HINT = " If you are attempting to use a custom relationship,"
            + " be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the"
            + " describe call for the appropriate names.";

    private final SoqlDataSource ds;
    private final String rootObject;
    private final String alias;

    PathResolver(SoqlDataSource ds, String rootObject, String alias) {
        this.ds = ds;
        this.rootObject = rootObject;
        this.alias = alias;
    }

    ResolvedPath resolve(FieldPath written) {
        FieldPath path = stripQualifier(written);
        List<String> segments = path.segments();
        if (segments.size() - 1 > MAX_RELATIONSHIP_DEPTH) {
            throw SoqlException.malformed("A field path cannot exceed " + MAX_RELATIONSHIP_DEPTH
                    + " levels of parent relationships: " + written);
        }
        Set<String> candidates = new LinkedHashSet<>(List.of(rootObject));
        List<ResolvedPath.Hop> hops = new ArrayList<>();
        StringBuilder dotted = new StringBuilder();
        for (String relationship : segments.subList(0, segments.size() - 1)) {
            Map<String, String> refByObject = new LinkedHashMap<>();
            Set<String> targets = new LinkedHashSet<>();
            String canonicalName = null;
            for (String object : candidates) {
                String ref = ds.relationshipField(object, relationship);
                if (ref == null) {
                    continue;
                }
                refByObject.put(object, ref);
                targets.addAll(ds.referenceTo(object, ref));
                if (canonicalName == null) {
                    canonicalName = ds.relationshipName(object, ref);
                }
            }
            if (refByObject.isEmpty() || targets.isEmpty()) {
                throw new SoqlException(SoqlException.INVALID_FIELD,
                        "Didn't understand relationship '" + relationship + "' in field path."
                                + CUSTOM_RELATIONSHIP_HINT);
            }
            hops.add(new ResolvedPath.Hop(canonicalName, Map.copyOf(refByObject)));
            dotted.append(canonicalName).append('.');
            candidates = targets;
        }
        String field = segments.get(segments.size() - 1);
        Map<String, String> fieldByObject = new LinkedHashMap<>();
        String canonicalField = null;
        String type = null;
        for (String object : candidates) {
            String f = ds.resolveField(object, field);
            if (f == null) {
                continue;
            }
            fieldByObject.put(object, f);
            if (canonicalField == null) {
                canonicalField = f;
                type = ds.fieldType(object, f);
            }
        }
        if (canonicalField == null) {
            throw new SoqlException(SoqlException.INVALID_FIELD, "No such column '" + field + "' on entity '"
                    + candidates.iterator().next() + "'." + CUSTOM_FIELD_HINT);
        }
        dotted.append(canonicalField);
        return new ResolvedPath(List.copyOf(hops), Map.copyOf(fieldByObject), canonicalField,
                FieldKind.of(type), dotted.toString());
    }

    /**
     * "l.Email" with FROM Lead l, or "Lead.Email" with FROM Lead: the first segment names the
     * queried object, not a relationship. A real relationship of that name wins.
     */
    private FieldPath stripQualifier(FieldPath path) {
        if (!path.isRelationshipPath()) {
            return path;
        }
        String first = path.segments().get(0);
        if (alias != null && first.equalsIgnoreCase(alias)) {
            return path.withoutFirst();
        }
        if (first.equalsIgnoreCase(rootObject) && ds.relationshipField(rootObject, first) == null) {
            return path.withoutFirst();
        }
        return path;
    }
}
