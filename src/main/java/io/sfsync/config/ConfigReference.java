package io.sfsync.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's configuration reference, rendered from the definitions in {@link ConfigKeys}: one row per
 * setting, with its full path, type, default and meaning. The README holds it between two marker comments;
 * {@code ConfigReferenceTest} fails when they differ, and {@link #main} writes it there again.
 */
public final class ConfigReference {
    static final String START = "<!-- config-reference:start (rendered from io.sfsync.config.ConfigKeys) -->";
    static final String END = "<!-- config-reference:end -->";

    private ConfigReference() {
    }

    /** The reference table, in the order the loader reads the settings. */
    public static String table() {
        StringBuilder sb = new StringBuilder("| setting | type | default | meaning |\n|---|---|---|---|\n");
        rows(sb, "", ConfigKeys.Root.SECTION);
        return sb.toString();
    }

    private static void rows(StringBuilder sb, String prefix, Section section) {
        for (Setting<?> s : section.settings()) {
            String path = prefix + s.key();
            String def = s.defaultText().isEmpty() && !s.type().equals("mapping") && s.isBuilt() ? "none" : s.defaultText();
            sb.append("| `").append(path).append("` | ").append(type(s)).append(" | ").append(plain(def))
                    .append(" | ").append(s.doc().replace("|", "\\|")).append(" |\n");
            if (s.section() != null) {
                rows(sb, path + "." + (s.entries() == null ? "" : s.entries() + "."), s.section());
            }
        }
    }

    private static String type(Setting<?> s) {
        return switch (s.type()) {
            case "one of" -> String.join(" \\| ", s.allowed().stream().map(ConfigReference::code).toList());
            case "list of" -> "list of " + String.join(", ", s.allowed().stream().map(ConfigReference::code).toList());
            default -> plain(s.type());
        };
    }

    private static String code(String text) {
        return "`" + text.replace("|", "\\|") + "`";
    }

    /** Text for a table cell; text with &lt; or &gt; is shown as code, so Markdown does not take it for HTML. */
    private static String plain(String text) {
        return text.contains("<") || text.contains(">") ? code(text) : text.replace("|", "\\|");
    }

    /** {@code readme} with the text between the markers replaced by the table. */
    public static String render(String readme) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the README has no " + START + " … " + END + " section");
        }
        return readme.substring(0, start + START.length()) + "\n" + table() + readme.substring(end);
    }

    /** The reference as the README holds it now, between the markers. */
    public static String current(String readme) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the README has no " + START + " … " + END + " section");
        }
        return readme.substring(start + START.length(), end).strip() + "\n";
    }

    /** Writes the reference into the README (the path given, else ./README.md). */
    public static void main(String[] args) throws IOException {
        Path readme = Path.of(args.length > 0 ? args[0] : "README.md");
        Files.writeString(readme, render(Files.readString(readme)));
    }
}
