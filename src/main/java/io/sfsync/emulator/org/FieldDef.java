package io.sfsync.emulator.org;

import java.util.List;

/**
 * One field of an sObject as describe reports it. Types are Salesforce's lower-case describe types
 * (id, string, email, phone, url, textarea, picklist, boolean, int, double, currency, percent,
 * date, datetime, reference). A reference field may name the child relationship its parent sees
 * it under (Contact.AccountId is Account's "Contacts"); an auto-number field is a read-only string
 * with a display format such as {@code P-{0000}}.
 */
public record FieldDef(
        String name,
        String label,
        String type,
        int length,
        boolean nillable,
        boolean createable,
        boolean updateable,
        boolean defaultedOnCreate,
        boolean externalId,
        boolean unique,
        boolean custom,
        boolean calculated,
        List<String> picklistValues,
        String defaultValue,
        boolean restrictedPicklist,
        List<String> referenceTo,
        String relationshipName,
        String childRelationshipName,
        String autoNumberFormat) {

    /** The parts of a compound address field (BillingAddress: BillingCity …), in the order its value lists them. */
    public static final List<String> ADDRESS_PARTS = List.of("City", "Country", "GeocodeAccuracy", "Latitude",
            "Longitude", "PostalCode", "State", "Street");

    /** The number's place in an auto-number display format: {0}, {00}, {000} … (zero-padded to that width). */
    public static final java.util.regex.Pattern AUTO_NUMBER_DIGITS = java.util.regex.Pattern.compile("\\{(0+)}");

    public FieldDef {
        picklistValues = picklistValues == null ? List.of() : List.copyOf(picklistValues);
        referenceTo = referenceTo == null ? List.of() : List.copyOf(referenceTo);
    }

    public static Builder builder(String name, String type) {
        return new Builder(name, type);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name, type);
        b.label = label;
        b.length = length;
        b.nillable = nillable;
        b.createable = createable;
        b.updateable = updateable;
        b.defaultedOnCreate = defaultedOnCreate;
        b.externalId = externalId;
        b.unique = unique;
        b.custom = custom;
        b.calculated = calculated;
        b.picklistValues = picklistValues;
        b.defaultValue = defaultValue;
        b.restrictedPicklist = restrictedPicklist;
        b.referenceTo = referenceTo;
        b.relationshipName = relationshipName;
        b.childRelationshipName = childRelationshipName;
        b.autoNumberFormat = autoNumberFormat;
        return b;
    }

    public boolean autoNumber() {
        return autoNumberFormat != null;
    }

    /** The value an auto-number field takes for the n-th record: "P-{0000}" and 7 give "P-0007". */
    public String autoNumberValue(long n) {
        java.util.regex.Matcher m = AUTO_NUMBER_DIGITS.matcher(autoNumberFormat);
        if (!m.find()) {
            return autoNumberFormat + n;
        }
        String digits = String.format(java.util.Locale.ROOT, "%0" + m.group(1).length() + "d", n);
        return autoNumberFormat.substring(0, m.start()) + digits + autoNumberFormat.substring(m.end());
    }

    public boolean isText() {
        return switch (type) {
            case "string", "email", "phone", "url", "textarea", "picklist", "combobox", "multipicklist" -> true;
            default -> false;
        };
    }

    public boolean isPicklist() {
        return type.equals("picklist") || type.equals("multipicklist");
    }

    /** Required on create: neither nillable nor defaulted, and the caller may set it. */
    public boolean requiredOnCreate() {
        return createable && !nillable && !defaultedOnCreate && !type.equals("boolean");
    }

    public String soapType() {
        return switch (type) {
            case "id", "reference" -> "tns:ID";
            case "boolean" -> "xsd:boolean";
            case "int" -> "xsd:int";
            case "double", "currency", "percent" -> "xsd:double";
            case "date" -> "xsd:date";
            case "datetime" -> "xsd:dateTime";
            case "address" -> "urn:address";
            default -> "xsd:string";
        };
    }

    /** Fluent construction of field definitions; defaults are those of an ordinary optional text field. */
    public static final class Builder {
        private final String name;
        private final String type;
        private String label;
        private int length;
        private boolean nillable = true;
        private boolean createable = true;
        private boolean updateable = true;
        private boolean defaultedOnCreate;
        private boolean externalId;
        private boolean unique;
        private boolean custom;
        private boolean calculated;
        private List<String> picklistValues = List.of();
        private String defaultValue;
        private boolean restrictedPicklist;
        private List<String> referenceTo = List.of();
        private String relationshipName;
        private String childRelationshipName;
        private String autoNumberFormat;

        private Builder(String name, String type) {
            this.name = name;
            this.type = type;
            this.custom = name.endsWith("__c");
            this.length = switch (type) {
                case "id", "reference" -> 18;
                case "string", "email", "phone", "url", "picklist", "combobox" -> 255;
                case "textarea" -> 255;
                default -> 0;
            };
        }

        public Builder label(String v) { label = v; return this; }
        public Builder length(int v) { length = v; return this; }
        public Builder required() { nillable = false; return this; }
        public Builder nillable(boolean v) { nillable = v; return this; }
        public Builder createable(boolean v) { createable = v; return this; }
        public Builder updateable(boolean v) { updateable = v; return this; }
        public Builder readOnly() { createable = false; updateable = false; return this; }
        public Builder defaultedOnCreate() { defaultedOnCreate = true; return this; }
        public Builder externalId() { externalId = true; return this; }
        public Builder unique() { unique = true; return this; }
        public Builder calculated() { calculated = true; createable = false; updateable = false; return this; }
        public Builder picklist(List<String> values, boolean restricted) {
            picklistValues = values; restrictedPicklist = restricted; return this;
        }
        public Builder defaultValue(String v) { defaultValue = v; defaultedOnCreate = v != null; return this; }
        public Builder references(String relationship, String... targets) {
            relationshipName = relationship; referenceTo = List.of(targets); return this;
        }

        /** The name the parent object gives this reference's child relationship (null: unnamed). */
        public Builder childRelationship(String name) { childRelationshipName = name; return this; }
        /** A read-only text field numbered on create: {0}, {000} … stand for the number, zero-padded. */
        public Builder autoNumber(String displayFormat) {
            autoNumberFormat = displayFormat; length = 30; nillable = false; defaultedOnCreate = true;
            createable = false; updateable = false; return this;
        }

        public FieldDef build() {
            String l = label != null ? label : defaultLabel(name);
            boolean isBool = type.equals("boolean");
            return new FieldDef(name, l, type, length, !isBool && nillable, createable, updateable,
                    defaultedOnCreate || isBool, externalId, unique, custom, calculated, picklistValues,
                    defaultValue, restrictedPicklist, referenceTo, relationshipName, childRelationshipName,
                    autoNumberFormat);
        }

        private static String defaultLabel(String name) {
            String base = name.endsWith("__c") ? name.substring(0, name.length() - 3).replace('_', ' ') : name;
            if (base.endsWith("Id") && base.length() > 2) {
                base = base.substring(0, base.length() - 2) + " ID";
            }
            return base.replaceAll("([a-z])([A-Z])", "$1 $2");
        }
    }
}
