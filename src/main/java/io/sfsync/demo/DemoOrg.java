package io.sfsync.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.SalesforceEmulator;

/**
 * Seeds the emulator with a Salesforce org that already knows some of the demo's people, so that
 * the first sync shows matching, ownership, accounts and duplicates: the reps as Users (one
 * inactive), a few Accounts, Contacts (one owned by another rep), Leads (two sharing an email, one
 * converted).
 */
public final class DemoOrg {
    private DemoOrg() {
    }

    public static void seed(SalesforceEmulator emulator, List<DemoData.Person> people) {
        Map<String, List<Map<String, Object>>> records = new LinkedHashMap<>();
        List<Map<String, Object>> users = new ArrayList<>();
        users.add(user("ana", "Ana", "Silva", DemoData.OWNERS.get(0), true));
        users.add(user("ben", "Ben", "Okafor", DemoData.OWNERS.get(1), true));
        users.add(user("chloe", "Chloé", "Martin", DemoData.OWNERS.get(2), true));
        users.add(user("dan", "Dan", "Inactive", DemoData.OWNERS.get(3), false));
        records.put("User", users);
        List<Map<String, Object>> accounts = new ArrayList<>();
        List<Map<String, Object>> contacts = new ArrayList<>();
        List<Map<String, Object>> leads = new ArrayList<>();
        List<String> seenDomains = new ArrayList<>();
        for (int i = 8; i < Math.min(people.size(), 60); i++) {
            DemoData.Person p = people.get(i);
            if (p.email() == null || !p.email().contains("@")) {
                continue;
            }
            if (i < 14) {
                // existing Contacts at existing Accounts; one of them owned by another rep
                String ref = "acct" + i;
                if (!seenDomains.contains(p.companyDomain())) {
                    seenDomains.add(p.companyDomain());
                    accounts.add(map("_ref", ref, "Name", p.companyName(), "Website", "https://" + p.companyDomain(),
                            "OwnerId", "@ana"));
                }
                contacts.add(map("FirstName", p.firstName(), "LastName", p.lastName() == null ? "Unknown" : p.lastName(),
                        "Email", p.email(), "Title", i == 9 ? "Chief of Everything" : null,
                        "OwnerId", i == 10 ? "@chloe" : ownerRef(p.ownerEmail()),
                        "AccountId", accounts.isEmpty() ? null : "@" + accounts.get(accounts.size() - 1).get("_ref")));
            } else if (i < 22) {
                leads.add(map("FirstName", p.firstName(), "LastName", p.lastName() == null ? "Unknown" : p.lastName(),
                        "Company", p.companyName(), "Email", p.email(), "Status", "Working - Contacted",
                        "OwnerId", ownerRef(p.ownerEmail())));
            } else if (i == 22) {
                // two Leads with one email: an ambiguous match
                leads.add(map("LastName", p.lastName() == null ? "Unknown" : p.lastName(), "Company", p.companyName(),
                        "Email", p.email()));
                leads.add(map("LastName", (p.lastName() == null ? "Unknown" : p.lastName()) + " (2)", "Company",
                        p.companyName(), "Email", p.email()));
            } else if (i == 23) {
                leads.add(map("_ref", "converted", "FirstName", p.firstName(), "LastName",
                        p.lastName() == null ? "Unknown" : p.lastName(), "Company", p.companyName(), "Email", p.email()));
            }
        }
        records.put("Account", accounts);
        records.put("Contact", contacts);
        records.put("Lead", leads);
        Map<String, String> refs = emulator.seed(records);
        if (refs.containsKey("converted")) {
            emulator.convertLead(refs.get("converted"), null, null);
        }
    }

    /**
     * What Salesforce users do between two polls, for the demo's inbound run: two Contacts get a new title,
     * one is deleted, and a Lead sfsync created is converted. Returns one line per change.
     */
    public static List<String> salesforceUsersWork(SalesforceEmulator emulator) {
        var org = emulator.org();
        var saver = new io.sfsync.emulator.rules.RecordSaver(org);
        List<String> done = new ArrayList<>();
        List<Map<String, Object>> contacts = org.store().list("Contact", false).stream()
                .filter(c -> c.get("Email") != null).toList();
        for (int i = 0; i < Math.min(2, contacts.size()); i++) {
            String id = (String) contacts.get(i).get("Id");
            String title = i == 0 ? "VP Engineering" : "Head of Sales";
            org.store().atomically(tx -> saver.update("Contact", id, Map.of("Title", title),
                    io.sfsync.emulator.rules.RecordSaver.Options.system(org.integrationUserId(), tx)));
            done.add("Contact " + id + " (" + contacts.get(i).get("Email") + "): Title → " + title);
        }
        if (contacts.size() > 2) {
            String id = (String) contacts.get(2).get("Id");
            org.store().atomically(tx -> {
                saver.delete("Contact", id, io.sfsync.emulator.rules.RecordSaver.Options.system(org.integrationUserId(), tx));
                return null;
            });
            done.add("Contact " + id + " (" + contacts.get(2).get("Email") + "): deleted");
        }
        org.store().list("Lead", false).stream()
                .filter(l -> l.get("Sfsync_Person_Id__c") != null && !Boolean.TRUE.equals(l.get("IsConverted")))
                .findFirst().ifPresent(l -> {
                    Map<String, String> c = emulator.convertLead((String) l.get("Id"), null, null);
                    done.add("Lead " + l.get("Id") + " (" + l.get("Email") + "): converted to Contact " + c.get("contactId"));
                });
        return done;
    }

    private static String ownerRef(String email) {
        int i = DemoData.OWNERS.indexOf(email);
        return switch (i) {
            case 0 -> "@ana";
            case 1 -> "@ben";
            case 2 -> "@chloe";
            default -> "@ana";
        };
    }

    private static Map<String, Object> user(String ref, String first, String last, String email, boolean active) {
        return map("_ref", ref, "FirstName", first, "LastName", last, "Email", email, "IsActive", active);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
