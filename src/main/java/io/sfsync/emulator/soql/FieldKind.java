package io.sfsync.emulator.soql;

import java.util.Locale;

/**
 * How values of a Salesforce field type compare. Several declared types share one behaviour
 * (email, phone, picklist ... all compare as case-insensitive text).
 */
enum FieldKind {
    ID("id", true),
    TEXT("string", true),
    BOOLEAN("boolean", false),
    NUMBER("double", false),
    DATE("date", false),
    DATETIME("dateTime", false),
    /** A compound field (an address): selected whole, never filtered, sorted, grouped or aggregated. */
    COMPOUND("address", false);

    /** Type name Salesforce uses in "must be of type X" messages. */
    final String soqlTypeName;
    /** Whether literals for this kind are written in quotes. */
    final boolean quoted;

    FieldKind(String soqlTypeName, boolean quoted) {
        this.soqlTypeName = soqlTypeName;
        this.quoted = quoted;
    }

    static FieldKind of(String fieldType) {
        if (fieldType == null) {
            return TEXT;
        }
        switch (fieldType.toLowerCase(Locale.ROOT)) {
            case "id":
            case "reference":
                return ID;
            case "boolean":
                return BOOLEAN;
            case "int":
            case "long":
            case "double":
            case "currency":
            case "percent":
                return NUMBER;
            case "date":
                return DATE;
            case "datetime":
                return DATETIME;
            case "address":
                return COMPOUND;
            default:
                // string, email, phone, url, textarea, picklist, multipicklist, combobox, ...
                return TEXT;
        }
    }
}
