package io.sfsync.emulator.org;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metadata of the emulated org: the standard objects sfsync works with (Lead, Contact, Account,
 * Task, User, Group) with their standard fields, plus custom objects, custom fields and picklists
 * added by configuration.
 */
public final class OrgSchema {
    public static final List<String> LEAD_STATUSES = List.of(
            "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted");
    public static final List<String> LEAD_SOURCES = List.of(
            "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other");
    public static final List<String> INDUSTRIES = List.of(
            "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications", "Construction",
            "Consulting", "Education", "Electronics", "Energy", "Engineering", "Entertainment", "Environmental",
            "Finance", "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance", "Machinery",
            "Manufacturing", "Media", "Not For Profit", "Recreation", "Retail", "Shipping", "Technology",
            "Telecommunications", "Transportation", "Utilities", "Other");
    public static final List<String> SALUTATIONS = List.of("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx.");

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /**
     * A reference from a child object to a parent, under the name the parent knows it by in
     * describe and in SOQL subqueries ({@code null} when the relationship has no name).
     */
    public record ChildRelationship(String name, SObjectDef child, FieldDef field) {
    }

    private final Map<String, SObjectDef> objects = new LinkedHashMap<>();

    /** The default org: standard objects plus the sfsync external-ID fields on Lead, Contact, Account and Task. */
    public static OrgSchema standard() {
        OrgSchema s = new OrgSchema();
        s.add(lead());
        s.add(contact());
        s.add(account());
        s.add(task());
        s.add(user());
        s.add(group());
        StandardFields.addTo(s);
        return s;
    }

    public synchronized void add(SObjectDef def) {
        objects.put(def.name().toLowerCase(Locale.ROOT), def);
    }

    public synchronized SObjectDef object(String name) {
        return name == null ? null : objects.get(name.toLowerCase(Locale.ROOT));
    }

    public synchronized Collection<SObjectDef> objects() {
        return List.copyOf(objects.values());
    }

    public synchronized SObjectDef objectByKeyPrefix(String id) {
        if (id == null || id.length() < 3) {
            return null;
        }
        String prefix = id.substring(0, 3);
        for (SObjectDef def : objects.values()) {
            if (def.keyPrefix().equals(prefix)) {
                return def;
            }
        }
        return null;
    }

    /**
     * Every reference to the object from any object, named or not, except the audit references
     * (CreatedById, LastModifiedById) that every object has to User.
     */
    public synchronized List<ChildRelationship> childRelationships(String parent) {
        SObjectDef def = object(parent);
        List<ChildRelationship> out = new ArrayList<>();
        if (def == null) {
            return out;
        }
        for (SObjectDef child : objects.values()) {
            for (FieldDef f : child.fields()) {
                if (f.type().equals("reference") && f.referenceTo().contains(def.name())
                        && !f.name().equals("CreatedById") && !f.name().equals("LastModifiedById")) {
                    out.add(new ChildRelationship(f.childRelationshipName(), child, f));
                }
            }
        }
        return out;
    }

    /** The child relationship of this name (case-insensitive) on the parent, or null. */
    public synchronized ChildRelationship childRelationship(String parent, String name) {
        for (ChildRelationship r : childRelationships(parent)) {
            if (r.name() != null && r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        return null;
    }

    /**
     * A custom object with the fields every custom object has: Id, the name field (text or
     * auto-number), OwnerId (a user or a queue), IsDeleted and the audit fields.
     */
    public static SObjectDef customObject(String name, String label, String labelPlural, String keyPrefix,
            FieldDef nameField) {
        SObjectDef o = new SObjectDef(name, label, labelPlural, keyPrefix, true);
        system(o);
        o.put(FieldDef.builder("Id", "id").label("Record ID").readOnly().required().build());
        o.put(FieldDef.builder("OwnerId", "reference").label("Owner ID").required().defaultedOnCreate()
                .references("Owner", "Group", "User").build());
        o.put(nameField);
        return o;
    }

    /** The first custom-object key prefix (a00, a01 … a0z, a10 …) that no object uses, nor any of {@code taken}. */
    public synchronized String unusedCustomKeyPrefix(Collection<String> taken) {
        for (int i = 0; i < 62 * 62; i++) {
            String prefix = "a" + BASE62.charAt(i / 62) + BASE62.charAt(i % 62);
            if (objectByKeyPrefix(prefix) == null && !taken.contains(prefix)) {
                return prefix;
            }
        }
        throw new IllegalStateException("no custom-object key prefix left");
    }

    static void system(SObjectDef o) {
        o.put(FieldDef.builder("Id", "id").label(o.label() + " ID").readOnly().required().build());
        o.put(FieldDef.builder("IsDeleted", "boolean").label("Deleted").readOnly().build());
        o.put(FieldDef.builder("CreatedDate", "datetime").readOnly().required().defaultedOnCreate().build());
        o.put(FieldDef.builder("CreatedById", "reference").label("Created By ID").readOnly().required()
                .defaultedOnCreate().references("CreatedBy", "User").build());
        o.put(FieldDef.builder("LastModifiedDate", "datetime").readOnly().required().defaultedOnCreate().build());
        o.put(FieldDef.builder("LastModifiedById", "reference").label("Last Modified By ID").readOnly().required()
                .defaultedOnCreate().references("LastModifiedBy", "User").build());
        o.put(FieldDef.builder("SystemModstamp", "datetime").label("System Modstamp").readOnly().required()
                .defaultedOnCreate().build());
    }

    private static void text(SObjectDef o, String name, String label, int length) {
        o.put(FieldDef.builder(name, "string").label(label).length(length).build());
    }

    private static void personName(SObjectDef o) {
        o.put(FieldDef.builder("Salutation", "picklist").length(40).picklist(SALUTATIONS, false).build());
        text(o, "FirstName", "First Name", 40);
        o.put(FieldDef.builder("LastName", "string").label("Last Name").length(80).required().build());
        o.put(FieldDef.builder("Name", "string").label("Full Name").length(121).calculated().build());
    }

    private static void address(SObjectDef o, String prefix) {
        String p = prefix.isEmpty() ? "" : prefix + " ";
        o.put(FieldDef.builder(prefix + "Street", "textarea").label(p + "Street").length(255).build());
        text(o, prefix + "City", p + "City", 40);
        text(o, prefix + "State", p + "State/Province", 80);
        text(o, prefix + "PostalCode", p + "Zip/Postal Code", 20);
        text(o, prefix + "Country", p + "Country", 80);
    }

    private static SObjectDef lead() {
        SObjectDef o = new SObjectDef("Lead", "Lead", "Leads", "00Q", true);
        system(o);
        o.put(FieldDef.builder("MasterRecordId", "reference").label("Master Record ID").readOnly()
                .references("MasterRecord", "Lead").build());
        o.put(FieldDef.builder("OwnerId", "reference").label("Owner ID").required().defaultedOnCreate()
                .references("Owner", "Group", "User").build());
        personName(o);
        text(o, "Title", "Title", 128);
        o.put(FieldDef.builder("Company", "string").length(255).required().build());
        o.put(FieldDef.builder("Email", "email").length(80).build());
        o.put(FieldDef.builder("Phone", "phone").label("Business Phone").length(40).build());
        o.put(FieldDef.builder("MobilePhone", "phone").label("Mobile Phone").length(40).build());
        o.put(FieldDef.builder("Website", "url").length(255).build());
        address(o, "");
        o.put(FieldDef.builder("LeadSource", "picklist").label("Lead Source").length(255)
                .picklist(LEAD_SOURCES, false).build());
        o.put(FieldDef.builder("Status", "picklist").label("Status").length(255).required()
                .picklist(LEAD_STATUSES, true).defaultValue("Open - Not Contacted").build());
        o.put(FieldDef.builder("Industry", "picklist").length(255).picklist(INDUSTRIES, true).build());
        o.put(FieldDef.builder("Rating", "picklist").length(255).picklist(List.of("Hot", "Warm", "Cold"), false).build());
        o.put(FieldDef.builder("AnnualRevenue", "currency").label("Annual Revenue").build());
        o.put(FieldDef.builder("NumberOfEmployees", "int").label("Employees").build());
        o.put(FieldDef.builder("Description", "textarea").length(32000).build());
        o.put(FieldDef.builder("HasOptedOutOfEmail", "boolean").label("Email Opt Out").build());
        o.put(FieldDef.builder("DoNotCall", "boolean").label("Do Not Call").build());
        o.put(FieldDef.builder("IsConverted", "boolean").label("Converted").readOnly().build());
        o.put(FieldDef.builder("ConvertedDate", "date").label("Converted Date").readOnly().build());
        o.put(FieldDef.builder("ConvertedAccountId", "reference").label("Converted Account ID").readOnly()
                .references("ConvertedAccount", "Account").build());
        o.put(FieldDef.builder("ConvertedContactId", "reference").label("Converted Contact ID").readOnly()
                .references("ConvertedContact", "Contact").build());
        o.put(FieldDef.builder("IsUnreadByOwner", "boolean").label("Unread By Owner").build());
        o.put(FieldDef.builder("Sfsync_Person_Id__c", "string").label("sfsync Person Id").length(64)
                .externalId().unique().build());
        return o;
    }

    private static SObjectDef contact() {
        SObjectDef o = new SObjectDef("Contact", "Contact", "Contacts", "003", true);
        system(o);
        o.put(FieldDef.builder("MasterRecordId", "reference").label("Master Record ID").readOnly()
                .references("MasterRecord", "Contact").build());
        o.put(FieldDef.builder("OwnerId", "reference").label("Owner ID").required().defaultedOnCreate()
                .references("Owner", "User").build());
        o.put(FieldDef.builder("AccountId", "reference").label("Account ID").references("Account", "Account")
                .childRelationship("Contacts").build());
        personName(o);
        text(o, "Title", "Title", 128);
        text(o, "Department", "Department", 80);
        o.put(FieldDef.builder("Email", "email").length(80).build());
        o.put(FieldDef.builder("Phone", "phone").label("Business Phone").length(40).build());
        o.put(FieldDef.builder("MobilePhone", "phone").label("Mobile Phone").length(40).build());
        address(o, "Mailing");
        o.put(FieldDef.builder("LeadSource", "picklist").label("Lead Source").length(255)
                .picklist(LEAD_SOURCES, false).build());
        o.put(FieldDef.builder("Birthdate", "date").build());
        o.put(FieldDef.builder("Description", "textarea").length(32000).build());
        o.put(FieldDef.builder("HasOptedOutOfEmail", "boolean").label("Email Opt Out").build());
        o.put(FieldDef.builder("DoNotCall", "boolean").label("Do Not Call").build());
        o.put(FieldDef.builder("Sfsync_Person_Id__c", "string").label("sfsync Person Id").length(64)
                .externalId().unique().build());
        return o;
    }

    private static SObjectDef account() {
        SObjectDef o = new SObjectDef("Account", "Account", "Accounts", "001", true);
        system(o);
        o.put(FieldDef.builder("MasterRecordId", "reference").label("Master Record ID").readOnly()
                .references("MasterRecord", "Account").build());
        o.put(FieldDef.builder("OwnerId", "reference").label("Owner ID").required().defaultedOnCreate()
                .references("Owner", "User").build());
        o.put(FieldDef.builder("Name", "string").label("Account Name").length(255).required().build());
        o.put(FieldDef.builder("ParentId", "reference").label("Parent Account ID").references("Parent", "Account")
                .childRelationship("ChildAccounts").build());
        o.put(FieldDef.builder("Type", "picklist").label("Account Type").length(255)
                .picklist(List.of("Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"), false).build());
        o.put(FieldDef.builder("Website", "url").length(255).build());
        o.put(FieldDef.builder("Phone", "phone").label("Account Phone").length(40).build());
        o.put(FieldDef.builder("Industry", "picklist").length(255).picklist(INDUSTRIES, false).build());
        o.put(FieldDef.builder("AnnualRevenue", "currency").label("Annual Revenue").build());
        o.put(FieldDef.builder("NumberOfEmployees", "int").label("Employees").build());
        address(o, "Billing");
        address(o, "Shipping");
        o.put(FieldDef.builder("Description", "textarea").length(32000).build());
        o.put(FieldDef.builder("Sfsync_Company_Id__c", "string").label("sfsync Company Id").length(64)
                .externalId().unique().build());
        return o;
    }

    private static SObjectDef task() {
        SObjectDef o = new SObjectDef("Task", "Task", "Tasks", "00T", true);
        system(o);
        o.put(FieldDef.builder("OwnerId", "reference").label("Assigned To ID").required().defaultedOnCreate()
                .references("Owner", "Group", "User").build());
        o.put(FieldDef.builder("WhoId", "reference").label("Name ID").references("Who", "Contact", "Lead")
                .childRelationship("Tasks").build());
        o.put(FieldDef.builder("WhatId", "reference").label("Related To ID").references("What", "Account", "Opportunity", "Case")
                .childRelationship("Tasks").build());
        o.put(FieldDef.builder("Subject", "combobox").length(255).build());
        o.put(FieldDef.builder("ActivityDate", "date").label("Due Date Only").build());
        o.put(FieldDef.builder("Status", "picklist").length(255).required()
                .picklist(List.of("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"), true)
                .defaultValue("Not Started").build());
        o.put(FieldDef.builder("Priority", "picklist").length(40).required()
                .picklist(List.of("High", "Normal", "Low"), true).defaultValue("Normal").build());
        o.put(FieldDef.builder("Type", "picklist").length(40)
                .picklist(List.of("Call", "Email", "Meeting", "Other"), false).build());
        o.put(FieldDef.builder("TaskSubtype", "picklist").label("Task Subtype").length(40)
                .picklist(List.of("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"), true)
                .createable(true).updateable(false).build());
        o.put(FieldDef.builder("Description", "textarea").label("Comments").length(32000).build());
        o.put(FieldDef.builder("IsClosed", "boolean").label("Closed").readOnly().build());
        o.put(FieldDef.builder("Sfsync_Touchpoint_Id__c", "string").label("sfsync Touchpoint Id").length(64)
                .externalId().unique().build());
        return o;
    }

    private static SObjectDef user() {
        SObjectDef o = new SObjectDef("User", "User", "Users", "005", true);
        system(o);
        o.put(FieldDef.builder("Username", "string").length(80).required().unique().build());
        o.put(FieldDef.builder("FirstName", "string").label("First Name").length(40).build());
        o.put(FieldDef.builder("LastName", "string").label("Last Name").length(80).required().build());
        o.put(FieldDef.builder("Name", "string").label("Full Name").length(121).calculated().build());
        o.put(FieldDef.builder("Email", "email").length(128).required().build());
        o.put(FieldDef.builder("Alias", "string").length(8).required().build());
        // a user created without it is active, as in Salesforce
        o.put(FieldDef.builder("IsActive", "boolean").label("Active").defaultValue("true").build());
        text(o, "Title", "Title", 80);
        text(o, "CompanyName", "Company Name", 80);
        o.put(FieldDef.builder("UserType", "picklist").label("User Type").length(40)
                .picklist(List.of("Standard", "AutomatedProcess"), true).readOnly().build());
        return o;
    }

    private static SObjectDef group() {
        SObjectDef o = new SObjectDef("Group", "Group", "Groups", "00G", true);
        system(o);
        o.put(FieldDef.builder("Name", "string").length(40).required().build());
        o.put(FieldDef.builder("DeveloperName", "string").label("Developer Name").length(80).build());
        o.put(FieldDef.builder("Type", "picklist").length(40)
                .picklist(List.of("Queue", "Regular"), true).defaultValue("Regular").build());
        o.put(FieldDef.builder("Email", "email").length(255).build());
        o.put(FieldDef.builder("OwnerId", "reference").label("Owner ID").readOnly().references("Owner", "User").build());
        return o;
    }
}
