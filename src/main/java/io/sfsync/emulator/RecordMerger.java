package io.sfsync.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.rules.RecordSaver;
import io.sfsync.emulator.store.Transaction;

/**
 * A merge as Salesforce does it for Leads, Contacts and Accounts: up to two duplicates merge into a
 * master; each duplicate is deleted with MasterRecordId naming the master (so queryAll and the deleted
 * records show where it went), and what pointed at a duplicate — a Contact's AccountId, a Task's WhoId or
 * WhatId — points at the master.
 */
final class RecordMerger {
    private static final List<String> MERGEABLE = List.of("Lead", "Contact", "Account");

    private final EmulatedOrg org;
    private final RecordSaver saver;

    RecordMerger(EmulatedOrg org) {
        this.org = org;
        this.saver = new RecordSaver(org);
    }

    /** Merges {@code duplicates} into {@code masterId}; returns the master's Id and the merged Ids. */
    Map<String, Object> merge(String object, String masterId, List<String> duplicates) {
        if (!MERGEABLE.contains(object)) {
            throw ApiException.badRequest("INVALID_TYPE", "only Leads, Contacts and Accounts can be merged, not " + object);
        }
        if (duplicates == null || duplicates.isEmpty() || duplicates.size() > 2) {
            throw ApiException.badRequest("INVALID_OPERATION", "a merge takes one or two records to merge into the master");
        }
        SObjectDef def = org.schema().object(object);
        return org.store().atomically(tx -> {
            Map<String, Object> master = saver.existing(def, masterId);
            String master18 = (String) master.get("Id");
            String now = org.now();
            List<String> merged = new ArrayList<>();
            for (String id : duplicates) {
                Map<String, Object> dup = new LinkedHashMap<>(saver.existing(def, id));
                if (dup.get("Id").equals(master18)) {
                    throw ApiException.badRequest("INVALID_OPERATION", "a record cannot be merged into itself: " + id);
                }
                dup.put("IsDeleted", true);
                dup.put("MasterRecordId", master18);
                dup.put("LastModifiedDate", now);
                dup.put("SystemModstamp", now);
                org.store().put(tx, object, dup);
                reparent((String) dup.get("Id"), master18, tx, now);
                merged.add((String) dup.get("Id"));
            }
            Map<String, Object> touched = new LinkedHashMap<>(master);
            touched.put("LastModifiedDate", now);
            touched.put("SystemModstamp", now);
            org.store().put(tx, object, touched);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", master18);
            out.put("mergedRecordIds", merged);
            return out;
        });
    }

    private void reparent(String from, String to, Transaction tx, String now) {
        for (String[] ref : new String[][] {{"Contact", "AccountId"}, {"Task", "WhoId"}, {"Task", "WhatId"}}) {
            for (Map<String, Object> r : org.store().list(ref[0], false)) {
                if (from.equals(r.get(ref[1]))) {
                    Map<String, Object> moved = new LinkedHashMap<>(r);
                    moved.put(ref[1], to);
                    moved.put("LastModifiedDate", now);
                    moved.put("SystemModstamp", now);
                    org.store().put(tx, ref[0], moved);
                }
            }
        }
    }
}
