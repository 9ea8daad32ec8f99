package io.sfsync.emulator.rules;

import java.util.List;

/**
 * A duplicate rule matching on Email, as Salesforce's standard Lead and Contact rules do for API
 * saves. {@code block}: the save always fails. Otherwise (Allow with alert) an API save fails with
 * DUPLICATES_DETECTED unless the request carries {@code Sforce-Duplicate-Rule-Header: allowSave=true}.
 *
 * @param object the object whose saves the rule checks
 * @param matchObjects the objects searched for matches, each with its matching rule name
 */
public record DuplicateRule(String developerName, String object, List<MatchTarget> matchObjects, boolean block,
        boolean active) {

    public record MatchTarget(String object, String matchingRule) {
    }

    public static List<DuplicateRule> standard() {
        return List.of(
                new DuplicateRule("Standard_Lead_Duplicate_Rule", "Lead",
                        List.of(new MatchTarget("Lead", "Standard_Lead_Match_Rule_v1_0"),
                                new MatchTarget("Contact", "Standard_Contact_Match_Rule_v1_1")),
                        false, true),
                new DuplicateRule("Standard_Contact_Duplicate_Rule", "Contact",
                        List.of(new MatchTarget("Contact", "Standard_Contact_Match_Rule_v1_1")),
                        false, true));
    }
}
