package io.sfsync.salesforce;

import java.util.List;

/** What describe says about one field, as much as mapping and checking need. */
public record FieldInfo(String name, String type, int length, boolean createable, boolean updateable, boolean nillable,
        boolean defaultedOnCreate, List<String> picklistValues, boolean restrictedPicklist) {

    /** Required on create: the caller must give a value (createable, not nillable, not defaulted). */
    public boolean requiredOnCreate() {
        return createable && !nillable && !defaultedOnCreate && !type.equals("boolean");
    }

    public boolean isText() {
        return switch (type) {
            case "string", "email", "phone", "url", "textarea", "picklist", "combobox", "multipicklist" -> true;
            default -> false;
        };
    }
}
