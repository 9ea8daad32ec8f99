package io.sfsync.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.api.ApiException;
import io.sfsync.emulator.org.SObjectDef;
import io.sfsync.emulator.rules.RecordSaver;

/**
 * A system update as Salesforce makes one when a roll-up summary or a formula is recalculated: the
 * records' SystemModstamp moves, their LastModifiedDate (and every other field) stays. Change capture
 * that reads SystemModstamp sees the records again; one that reads LastModifiedDate does not.
 */
final class RecordToucher {
    private final EmulatedOrg org;
    private final RecordSaver saver;

    RecordToucher(EmulatedOrg org) {
        this.org = org;
        this.saver = new RecordSaver(org);
    }

    /**
     * Sets SystemModstamp to {@code modstamp} (now when null) on every record, all or none; several
     * records touched with one instant share their SystemModstamp exactly.
     *
     * @return the instant written and the Ids touched
     */
    Map<String, Object> touch(String object, List<String> ids, Instant modstamp) {
        SObjectDef def = object == null ? null : org.schema().object(object);
        if (def == null) {
            throw ApiException.badRequest("INVALID_TYPE", "sObject type '" + object + "' is not supported.");
        }
        if (ids == null || ids.isEmpty()) {
            throw ApiException.badRequest("MISSING_ARGUMENT", "a touch takes the Ids of the records to touch");
        }
        return org.store().atomically(tx -> {
            String stamp = modstamp == null ? org.now() : EmulatedOrg.DATETIME.format(modstamp);
            Instant at = EmulatedOrg.DATETIME.parse(stamp, Instant::from);
            List<String> touched = new ArrayList<>();
            for (String id : ids) {
                Map<String, Object> record = new LinkedHashMap<>(saver.existing(def, id));
                // Salesforce never shows a SystemModstamp older than the LastModifiedDate
                if (at.isBefore(EmulatedOrg.DATETIME.parse((String) record.get("LastModifiedDate"), Instant::from))) {
                    throw ApiException.badRequest("INVALID_OPERATION", "SystemModstamp " + stamp
                            + " would be before the LastModifiedDate of " + record.get("Id"));
                }
                record.put("SystemModstamp", stamp);
                org.store().put(tx, def.name(), record);
                touched.add((String) record.get("Id"));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("systemModstamp", stamp);
            out.put("touchedRecordIds", touched);
            return out;
        });
    }
}
