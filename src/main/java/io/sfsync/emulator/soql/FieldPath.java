package io.sfsync.emulator.soql;

import java.util.List;

/** A field reference as written in the query: "Email", "Owner.Email", "Account.Owner.Email". */
record FieldPath(List<String> segments) {
    FieldPath {
        segments = List.copyOf(segments);
    }

    String dotted() {
        return String.join(".", segments);
    }

    boolean isRelationshipPath() {
        return segments.size() > 1;
    }

    FieldPath withoutFirst() {
        return new FieldPath(segments.subList(1, segments.size()));
    }

    @Override
    public String toString() {
        return dotted();
    }
}
