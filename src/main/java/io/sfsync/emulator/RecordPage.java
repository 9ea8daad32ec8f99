package io.sfsync.emulator;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record page a browser opens at Salesforce's record URLs — {@code /lightning/r/Lead/00Q…/view} or
 * {@code /00Q…} — in the emulator: a plain page listing the record's fields, so the links of sfsync's
 * console and reports open in the demo. (Salesforce itself asks for a login first and shows its
 * Lightning page; the emulator has no user interface beyond this.)
 */
final class RecordPage {
    private static final Pattern LIGHTNING = Pattern.compile("^/lightning/r/(?:([A-Za-z0-9_]+)/)?([A-Za-z0-9]{15}|[A-Za-z0-9]{18})/view/?$");
    private static final Pattern SHORT = Pattern.compile("^/([A-Za-z0-9]{15}|[A-Za-z0-9]{18})/?$");

    private RecordPage() {
    }

    /** The record Id a path asks for, or null when the path is not a record URL. */
    static String idOf(String path) {
        Matcher m = LIGHTNING.matcher(path);
        if (m.matches()) {
            return m.group(2);
        }
        m = SHORT.matcher(path);
        return m.matches() ? m.group(1) : null;
    }

    static String html(String id, Map<String, Object> record) {
        StringBuilder b = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
        if (record == null) {
            b.append("Record not found</title></head><body><h1>Record not found</h1><p>The emulated org has no record ")
                    .append(escape(id)).append(" (deleted, merged, or the org was reset).</p></body></html>");
            return b.toString();
        }
        Object type = record.get("attributes") instanceof Map<?, ?> a ? a.get("type") : null;
        String title = (type == null ? "" : type + " ") + (record.get("Name") != null ? record.get("Name") : id);
        b.append(escape(title)).append(" | Salesforce emulator</title><style>body{font:15px system-ui,sans-serif;margin:2rem;"
                + "color:#16325c}table{border-collapse:collapse}th,td{padding:.3rem .8rem;border-bottom:1px solid #dde;"
                + "text-align:left;vertical-align:top}th{color:#54698d;font-weight:600}</style></head><body>");
        b.append("<p>Salesforce emulator · record</p><h1>").append(escape(title)).append("</h1><table>");
        record.forEach((field, value) -> {
            if (!field.equals("attributes") && value != null) {
                b.append("<tr><th scope=\"row\">").append(escape(field)).append("</th><td>").append(escape(String.valueOf(value)))
                        .append("</td></tr>");
            }
        });
        return b.append("</table></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
