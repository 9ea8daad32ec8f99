package io.sfsync.emulator.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.api.ApiError;
import io.sfsync.emulator.api.ApiException;

/**
 * Runs the active duplicate rules of an object against a record about to be saved. Matches are on
 * Email (case-insensitive), ignoring the record itself, deleted records and converted Leads, like
 * the standard matching rules. A match fails the save with DUPLICATES_DETECTED and the
 * DuplicateResult Salesforce returns, unless the rule only alerts and allowSave was requested.
 */
final class DuplicateMatcher {
    static final String MESSAGE = "You're creating a duplicate record. We recommend you use an existing record instead.";

    private final EmulatedOrg org;

    DuplicateMatcher(EmulatedOrg org) {
        this.org = org;
    }

    void check(String object, Map<String, Object> record, boolean allowSave) {
        Object email = record.get("Email");
        if (email == null) {
            return;
        }
        for (DuplicateRule rule : org.duplicateRules()) {
            if (!rule.active() || !rule.object().equals(object) || (allowSave && !rule.block())) {
                continue;
            }
            List<Map<String, Object>> matchResults = new ArrayList<>();
            for (DuplicateRule.MatchTarget target : rule.matchObjects()) {
                List<Map<String, Object>> matchRecords = new ArrayList<>();
                for (String id : org.store().find(target.object(), "Email", email.toString())) {
                    Map<String, Object> other = org.store().get(id);
                    if (id.equals(record.get("Id")) || Boolean.TRUE.equals(other.get("IsConverted"))) {
                        continue;
                    }
                    Map<String, Object> match = new LinkedHashMap<>();
                    match.put("additionalInformation", List.of());
                    match.put("fieldDiffs", List.of());
                    match.put("matchConfidence", 100.0);
                    Map<String, Object> ref = new LinkedHashMap<>();
                    ref.put("attributes", Map.of("type", target.object(), "url",
                            "/services/data/v" + org.defaultApiVersion() + "/sobjects/" + target.object() + "/" + id));
                    ref.put("Id", id);
                    match.put("record", ref);
                    matchRecords.add(match);
                }
                if (!matchRecords.isEmpty()) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("entityType", target.object());
                    result.put("errorMessage", null);
                    result.put("matchEngine", "ExactMatchEngine");
                    result.put("matchRecords", matchRecords);
                    result.put("rule", target.matchingRule());
                    result.put("size", matchRecords.size());
                    result.put("success", true);
                    matchResults.add(result);
                }
            }
            if (!matchResults.isEmpty()) {
                Map<String, Object> duplicateResult = new LinkedHashMap<>();
                duplicateResult.put("allowSave", !rule.block());
                duplicateResult.put("duplicateRule", rule.developerName());
                duplicateResult.put("duplicateRuleEntityType", object);
                duplicateResult.put("errorMessage", MESSAGE);
                duplicateResult.put("matchResults", matchResults);
                throw new ApiException(400, List.of(new ApiError("DUPLICATES_DETECTED", MESSAGE, List.of(),
                        Map.of(ApiErrorKeys.DUPLICATE_RESULT, duplicateResult))));
            }
        }
    }
}
