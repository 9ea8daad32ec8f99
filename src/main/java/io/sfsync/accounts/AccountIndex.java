package io.sfsync.accounts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.sfsync.mapping.Transforms;

/**
 * The Accounts a batch's lookup found, by website domain and by name, and the rules a Contact's company
 * is matched and created by: by the job's matchBy order (domain, name), the oldest match first (Salesforce
 * returns them in creation order); a company not found is created once per batch under its key
 * ({@code d:domain}, else {@code n:name}), whatever the number of people who work there.
 */
public final class AccountIndex {
    private final Map<String, List<Map<String, Object>>> byDomain = new HashMap<>();
    private final Map<String, List<Map<String, Object>>> byName = new HashMap<>();

    public AccountIndex(Iterable<Map<String, Object>> accounts) {
        for (Map<String, Object> a : accounts) {
            Object website = a.get("Website");
            String d = website == null ? null : Transforms.domain(website.toString());
            if (d != null) {
                byDomain.computeIfAbsent(d, k -> new ArrayList<>()).add(a);
            }
            Object name = a.get("Name");
            if (name != null) {
                byName.computeIfAbsent(normalName(name.toString()), k -> new ArrayList<>()).add(a);
            }
        }
    }

    /** The account of a company with this domain and name, by {@code matchBy} order ("domain", "name"), or null. */
    public Map<String, Object> find(List<String> matchBy, String domain, String name) {
        for (String by : matchBy) {
            List<Map<String, Object>> hits = by.equals("domain")
                    ? (domain == null ? List.of() : byDomain.getOrDefault(domain, List.of()))
                    : (name == null ? List.of() : byName.getOrDefault(normalName(name), List.of()));
            if (!hits.isEmpty()) {
                return hits.get(0);
            }
        }
        return null;
    }

    /** The key a company to create is known by in its batch: {@code d:domain}, else {@code n:name}; null without either. */
    public static String newAccountKey(String domain, String name) {
        return domain != null ? "d:" + domain : name != null ? "n:" + normalName(name) : null;
    }

    /**
     * The fields a new Account is created with: the job's Account fields, with Name (the company's name,
     * else its domain) and Website (the domain) filled in when the fields leave them out, and the owner
     * when it is a User (a queue cannot own an Account).
     */
    public static Map<String, Object> newAccountValues(Map<String, Object> mapped, String domain, String name,
            String ownerId) {
        Map<String, Object> values = new LinkedHashMap<>(mapped);
        if (!values.containsKey("Name") && name != null) {
            values.put("Name", name);
        }
        if (!values.containsKey("Name")) {
            values.put("Name", domain);
        }
        if (!values.containsKey("Website") && domain != null) {
            values.put("Website", domain);
        }
        if (ownerId != null && ownerId.startsWith("005")) {
            values.put("OwnerId", ownerId);
        }
        return values;
    }

    private static String normalName(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
