package io.sfsync.emulator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.org.FieldDef;
import io.sfsync.emulator.org.SObjectDef;

/**
 * SOSL basics, {@code GET /search?q=}: {@code FIND {terms} [IN ALL|NAME|EMAIL|PHONE FIELDS]
 * [RETURNING Object[(fields [WHERE …] [ORDER BY …] [LIMIT n] [OFFSET n])], …] [LIMIT n]}, answered as
 * {@code {"searchRecords": [records with attributes]}}. A record matches when each term is one of the words of
 * its searched fields (case-insensitive; a term ending in {@code *} matches words it starts; {@code AND} between
 * terms is the default, {@code OR} makes any term enough; a quoted phrase is its words). The search index is
 * immediate (Salesforce's lags a few seconds behind a save). Without RETURNING, every object that has records
 * is searched and only their Ids come back. At most 2,000 records in all.
 */
final class SearchResource {
    private static final int MAX_RECORDS = 2000;
    private static final Pattern FIND = Pattern.compile(
            "^\\s*FIND\\s*\\{(.*?)}\\s*(?:IN\\s+(ALL|NAME|EMAIL|PHONE)\\s+FIELDS)?\\s*(?:RETURNING\\s+(.*?))?\\s*(?:LIMIT\\s+(\\d+))?\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern OBJECT = Pattern.compile("^\\s*(\\w+)\\s*(?:\\((.*)\\))?\\s*$", Pattern.DOTALL);
    private static final Pattern CLAUSE = Pattern.compile("\\s(WHERE|ORDER\\s+BY|LIMIT|OFFSET)\\s", Pattern.CASE_INSENSITIVE);
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+");
    /** A search term: a word, maybe ending in * (a prefix). */
    private static final Pattern TERM = Pattern.compile("[\\p{L}\\p{N}_]+\\*?");
    private static final Pattern SPEC_WHERE = Pattern.compile("^WHERE\\s+(.*?)(\\s+(?:ORDER\\s+BY|LIMIT|OFFSET)\\s.*)?$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final EmulatedOrg org;
    private final QueryResource query;

    SearchResource(EmulatedOrg org, QueryResource query) {
        this.org = org;
        this.query = query;
    }

    ApiResponse handle(ApiRequest req) {
        SObjectResource.requireMethod(req.method(), "GET");
        String q = req.param("q");
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.");
        }
        Matcher m = FIND.matcher(q);
        if (!m.matches()) {
            throw ApiException.badRequest("MALFORMED_SEARCH", "line 1:0 no viable alternative at input '" + q + "'");
        }
        Terms terms = Terms.of(m.group(1));
        String scope = m.group(2) == null ? "ALL" : m.group(2).toUpperCase(Locale.ROOT);
        int limit = m.group(4) == null ? MAX_RECORDS : Math.min(MAX_RECORDS, Integer.parseInt(m.group(4)));
        List<String> specs = m.group(3) == null ? null : splitTopLevel(m.group(3));
        List<Map<String, Object>> found = new ArrayList<>();
        if (specs == null) {
            for (SObjectDef def : org.schema().objects()) {
                if (org.store().count(def.name()) > 0) {
                    found.addAll(search(def, "Id", "", terms, scope, req.apiVersion()));
                }
            }
        } else {
            for (String spec : specs) {
                Matcher o = OBJECT.matcher(spec);
                if (!o.matches()) {
                    throw ApiException.badRequest("MALFORMED_SEARCH", "unexpected token in RETURNING: '" + spec.trim() + "'");
                }
                SObjectDef def = org.schema().object(o.group(1));
                if (def == null) {
                    throw ApiException.badRequest("INVALID_TYPE", "sObject type '" + o.group(1) + "' is not supported.");
                }
                String inner = o.group(2) == null || o.group(2).isBlank() ? "Id" : o.group(2);
                String padded = " " + inner + " ";
                Matcher clause = CLAUSE.matcher(padded);
                boolean clauses = clause.find();
                String fields = clauses ? padded.substring(0, clause.start()).trim() : inner.trim();
                String tail = clauses ? padded.substring(clause.start()).trim() : "";
                found.addAll(search(def, fields, tail, terms, scope, req.apiVersion()));
            }
        }
        return ApiResponse.json(200, Map.of("searchRecords", found.size() > limit ? found.subList(0, limit) : found));
    }

    /** The object's records the terms find, through SOQL for the fields, the spec's WHERE, ORDER BY and LIMIT. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> search(SObjectDef def, String fields, String tail, Terms terms, String scope,
            String version) {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> r : org.store().list(def.name(), false)) {
            if (terms.match(searched(def, r, scope)) && ids.size() < MAX_RECORDS) {
                ids.add((String) r.get("Id"));
            }
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        String in = "Id IN ('" + String.join("','", ids) + "')";
        String soql;
        Matcher where = SPEC_WHERE.matcher(tail);
        if (where.matches()) {
            soql = "SELECT " + fields + " FROM " + def.name() + " WHERE " + in + " AND (" + where.group(1) + ")"
                    + (where.group(2) == null ? "" : where.group(2));
        } else {
            soql = "SELECT " + fields + " FROM " + def.name() + " WHERE " + in + (tail.isEmpty() ? "" : " " + tail);
        }
        Map<String, Object> page = query.query(soql, false, MAX_RECORDS, version, "query");
        return (List<Map<String, Object>>) page.get("records");
    }

    /** The words of the record's fields the scope searches. */
    private static List<String> searched(SObjectDef def, Map<String, Object> r, String scope) {
        List<String> words = new ArrayList<>();
        for (FieldDef f : def.fields()) {
            boolean in = switch (scope) {
                case "NAME" -> f.name().equals("Name") || f.name().equals("FirstName") || f.name().equals("LastName")
                        || f.autoNumber() || f.name().equals("Company") && def.name().equals("Lead");
                case "EMAIL" -> f.type().equals("email");
                case "PHONE" -> f.type().equals("phone");
                default -> f.isText() && !f.type().equals("id") && !f.type().equals("reference");
            };
            Object v = r.get(f.name());
            if (in && v != null) {
                Matcher w = WORD.matcher(v.toString().toLowerCase(Locale.ROOT));
                while (w.find()) {
                    words.add(w.group());
                }
            }
        }
        return words;
    }

    /** Splits at the commas outside parentheses and quotes. */
    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** The search terms: the words to find, all of them or (with OR) any. */
    private record Terms(List<String> words, boolean any) {
        static Terms of(String text) {
            List<String> words = new ArrayList<>();
            boolean any = false;
            for (String token : text.replace("\"", " ").trim().split("\\s+")) {
                if (token.equalsIgnoreCase("OR")) {
                    any = true;
                } else if (!token.equalsIgnoreCase("AND") && !token.isBlank()) {
                    Matcher w = TERM.matcher(token.toLowerCase(Locale.ROOT));
                    while (w.find()) {
                        words.add(w.group());
                    }
                }
            }
            if (words.isEmpty()) {
                throw ApiException.badRequest("MALFORMED_SEARCH", "search term must be longer than one character: " + text);
            }
            return new Terms(List.copyOf(words), any);
        }

        boolean match(List<String> recordWords) {
            for (String term : words) {
                boolean prefix = term.endsWith("*");
                String t = prefix ? term.substring(0, term.length() - 1) : term;
                boolean found = recordWords.stream().anyMatch(w -> prefix ? w.startsWith(t) : w.equals(t));
                if (found && any) {
                    return true;
                }
                if (!found && !any) {
                    return false;
                }
            }
            return !any;
        }
    }
}
