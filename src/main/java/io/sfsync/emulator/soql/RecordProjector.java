package io.sfsync.emulator.soql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shapes result records the way Salesforce's REST API does: "attributes" first, then the
 * selected fields in SELECT order under their canonical names, with parent fields nested
 * under the relationship name (several paths through one relationship share one map) and
 * each parent-to-child subquery's nested result under its child relationship name.
 */
final class RecordProjector {

    private sealed interface Node permits Leaf, Parent, Children {}

    private record Leaf(String key, Map<String, String> fieldByObject) implements Node {}

    private record Parent(String key, ResolvedPath.Hop hop, Map<String, Node> children) implements Node {}

    private record Children(ChildQuery query) implements Node {}

    private final Map<String, Node> root = new LinkedHashMap<>();
    private final String urlPrefix;
    private final ExecutionContext ctx;

    RecordProjector(List<Projection> projection, ExecutionContext ctx) {
        this.ctx = ctx;
        this.urlPrefix = "/services/data/v" + ctx.dataSource().apiVersion() + "/sobjects/";
        for (Projection p : projection) {
            if (p instanceof ResolvedPath path) {
                add(path);
            } else {
                ChildQuery child = (ChildQuery) p;
                root.putIfAbsent(fold(child.name()), new Children(child));
            }
        }
    }

    private void add(ResolvedPath path) {
        Map<String, Node> children = root;
        for (ResolvedPath.Hop hop : path.hops()) {
            Node node = children.computeIfAbsent(fold(hop.name()),
                    k -> new Parent(hop.name(), hop, new LinkedHashMap<>()));
            children = ((Parent) node).children();
        }
        children.putIfAbsent(fold(path.fieldName()), new Leaf(path.fieldName(), path.fieldByObject()));
    }

    Map<String, Object> project(Row row) {
        return project(row, root);
    }

    private Map<String, Object> project(Row row, Map<String, Node> children) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attributes", attributes(row));
        for (Node node : children.values()) {
            if (node instanceof Leaf leaf) {
                String field = leaf.fieldByObject().get(row.type());
                out.put(leaf.key(), field == null ? null : row.fields().get(field));
            } else if (node instanceof Children subquery) {
                out.put(subquery.query().name(), subquery.query().result(row, ctx));
            } else {
                Parent parent = (Parent) node;
                Row target = parent.hop().follow(row, ctx);
                out.put(parent.key(), target == null ? null : project(target, parent.children()));
            }
        }
        return out;
    }

    private Map<String, Object> attributes(Row row) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("type", row.type());
        attributes.put("url", urlPrefix + row.type() + "/" + row.fields().get("Id"));
        return attributes;
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
