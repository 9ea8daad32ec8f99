package io.sfsync.emulator;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.rules.RecordSaver;

/**
 * Lead conversion as Salesforce's convertLead does it: an Account (from Company) and a Contact
 * (from the person fields) are created unless given, and the Lead becomes read-only with
 * IsConverted, ConvertedDate, ConvertedAccountId and ConvertedContactId set; the Lead's Tasks move to
 * the Contact (and its Account).
 */
final class LeadConverter {
    private final EmulatedOrg org;
    private final RecordSaver saver;

    LeadConverter(EmulatedOrg org) {
        this.org = org;
        this.saver = new RecordSaver(org);
    }

    Map<String, String> convert(String leadId, String accountId, String contactId) {
        return org.store().atomically(tx -> {
            Map<String, Object> lead = saver.existing(org.schema().object("Lead"), leadId);
            if (Boolean.TRUE.equals(lead.get("IsConverted"))) {
                throw ApiException.badRequest("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead");
            }
            RecordSaver.Options system = RecordSaver.Options.system(org.integrationUserId(), tx);
            String owner = (String) lead.get("OwnerId");
            if (!"User".equals(org.store().objectOf(owner))) {
                owner = org.integrationUserId(); // a queue cannot own an Account or Contact
            }
            String account = accountId;
            if (account == null) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("Name", lead.get("Company"));
                a.put("Website", lead.get("Website"));
                a.put("Phone", lead.get("Phone"));
                a.put("Industry", lead.get("Industry"));
                a.put("BillingStreet", lead.get("Street"));
                a.put("BillingCity", lead.get("City"));
                a.put("BillingState", lead.get("State"));
                a.put("BillingPostalCode", lead.get("PostalCode"));
                a.put("BillingCountry", lead.get("Country"));
                a.put("OwnerId", owner);
                account = saver.create("Account", a, system).id();
            }
            String contact = contactId;
            if (contact == null) {
                Map<String, Object> c = new LinkedHashMap<>();
                for (String f : new String[] {"Salutation", "FirstName", "LastName", "Title", "Email", "Phone",
                        "MobilePhone", "LeadSource", "Description", "HasOptedOutOfEmail", "DoNotCall"}) {
                    c.put(f, lead.get(f));
                }
                c.put("MailingStreet", lead.get("Street"));
                c.put("MailingCity", lead.get("City"));
                c.put("MailingState", lead.get("State"));
                c.put("MailingPostalCode", lead.get("PostalCode"));
                c.put("MailingCountry", lead.get("Country"));
                c.put("AccountId", account);
                c.put("OwnerId", owner);
                contact = saver.create("Contact", c, system).id();
            }
            Map<String, Object> changes = new LinkedHashMap<>();
            changes.put("IsConverted", true);
            changes.put("ConvertedDate", LocalDate.now(ZoneOffset.UTC).toString());
            changes.put("ConvertedAccountId", account);
            changes.put("ConvertedContactId", contact);
            changes.put("Status", "Closed - Converted");
            // the Lead's activities move to the Contact (and its Account), as Salesforce's conversion does
            for (Map<String, Object> task : org.store().list("Task", false)) {
                if (lead.get("Id").equals(task.get("WhoId"))) {
                    Map<String, Object> moved = new LinkedHashMap<>();
                    moved.put("WhoId", contact);
                    if (task.get("WhatId") == null) {
                        moved.put("WhatId", account);
                    }
                    saver.update("Task", (String) task.get("Id"), moved, system);
                }
            }
            saver.update("Lead", (String) lead.get("Id"), changes, system);
            Map<String, String> out = new LinkedHashMap<>();
            out.put("leadId", (String) lead.get("Id"));
            out.put("accountId", account);
            out.put("contactId", contact);
            return out;
        });
    }
}
