package dev.portcullis.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML syntax error in words a config author can act on: the place to fix (which is not always
 * where the parser gave up: an unclosed quote is reported where it opens) and the likely cause
 * with a hint line, such as a tab in the indentation, a line indented deeper than its siblings, or
 * a missing space after {@code :}. It only rephrases what the parser (SnakeYAML, under Jackson)
 * found, from its problem text and marks, and looks at the text of the lines those marks name.
 */
final class YamlSyntax {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)' for");
    /** {@code key:value}: a key, a colon, and no space (but not {@code http://…}). */
    private static final Pattern NO_SPACE = Pattern.compile("^(?:-\\s+)*([\\w.-]+):(?![\\s/]|$)(.*)$");

    private final String file;
    private final String[] lines;

    private YamlSyntax(String file, String text) {
        this.file = file;
        this.lines = text.split("\r\n|\r|\n", -1);
    }

    /** The located error for text that Jackson could not read as YAML. */
    static ConfigError error(String file, String text, JacksonException e) {
        YamlSyntax s = new YamlSyntax(file, text);
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            try {
                return s.describe(y);
            } catch (RuntimeException unexpected) {
                // A rephrasing that trips on an odd file must not hide the error: the parser's words then.
                return s.at(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1,
                        String.valueOf(y.getProblem()), null);
            }
        }
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        int column = loc == null ? 0 : loc.getColumnNr();
        Matcher dup = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (dup.find()) {
            String key = dup.group(1);
            int at = s.text(line).lastIndexOf(key + ":", Math.max(0, column - 1));
            return s.at(line, at < 0 ? column : at + 1, "key '" + key + "' appears a second time in the same mapping",
                    "a repeated key would replace the first one: keep one '" + key + "' and merge their entries");
        }
        return s.at(line, column, e.getOriginalMessage(), null);
    }

    private ConfigError describe(MarkedYAMLException y) {
        Mark pm = y.getProblemMark();
        Mark cm = y.getContextMark();
        String problem = String.valueOf(y.getProblem());
        String context = String.valueOf(y.getContext());
        int line = pm.getLine() + 1;
        int column = pm.getColumn() + 1;
        int tabLine = tabIndented(line) ? line : cm != null && tabIndented(cm.getLine() + 1) ? cm.getLine() + 1 : 0;
        if (problem.contains("\\t(TAB)") || tabLine > 0) {
            int l = tabLine > 0 ? tabLine : line;
            return at(l, tabLine > 0 ? text(l).indexOf('\t') + 1 : column,
                    "a tab indents this line, and YAML does not allow tabs in indentation",
                    "indent with spaces only (set your editor to insert spaces in YAML files)");
        }
        if (problem.contains("mapping values are not allowed")) {
            return mappingValue(line, column);
        }
        if (problem.contains("could not find expected ':'") && cm != null) {
            return missingColon(cm.getLine() + 1, cm.getColumn() + 1);
        }
        if (context.contains("quoted scalar") && cm != null) {
            return at(cm.getLine() + 1, cm.getColumn() + 1, "the quote that opens here is never closed",
                    "end the value with the same quote; inside '…' write '' for one ', inside \"…\" write \\\"");
        }
        if (problem.contains("<stream end>")) {
            // The parser's mark is past the last line; the missing bracket belongs at the end of the last one.
            int last = previousContentLine(lines.length + 1);
            return at(last, text(last).length() + 1, "the file ends inside a '[…]' or '{…}' that is not closed",
                    "close every '[' with ']' and every '{' with '}'");
        }
        if ((context.contains("flow sequence") || context.contains("flow mapping")) && cm != null) {
            boolean list = context.contains("sequence");
            return at(line, column, "the '" + (list ? "[" : "{") + "' opened at line " + (cm.getLine() + 1) + ", column "
                    + (cm.getColumn() + 1) + " is not closed: expected ',' or '" + (list ? "]" : "}") + "' before this",
                    "close it with '" + (list ? "]" : "}") + "' at the end of its last item, or separate items with ','");
        }
        if (problem.startsWith("expected <block end>")) {
            return blockEnd(problem, context, line, column, cm);
        }
        if (problem.startsWith("found character ") && problem.contains(" that cannot start any token")) {
            return at(line, column, problem.substring(0, problem.indexOf(" that")).replace("found character", "the character")
                    + " cannot start a value", "put the value in quotes");
        }
        return at(line, column, (context.equals("null") ? "" : context + ": ") + problem, null);
    }

    /** "mapping values are not allowed here": a second {@code key:} where only a value can be. */
    private ConfigError mappingValue(int line, int column) {
        String before = text(line).substring(0, Math.min(text(line).length(), column - 1));
        if (before.contains(": ")) {
            return at(line, column, "a value contains ': ', which YAML reads as the start of a mapping",
                    "put the value in quotes (key: \"a: b\")");
        }
        int prev = previousContentLine(line);
        Matcher noSpace = NO_SPACE.matcher(text(prev).strip());
        if (prev > 0 && noSpace.matches()) {
            return at(prev, indent(prev) + 1, "'" + text(prev).strip() + "' has no space after ':', so it is read as "
                    + "text, and the indented line " + line + " as more of that text",
                    "write '" + noSpace.group(1) + ": " + noSpace.group(2) + "', with a space after the ':'");
        }
        int key = prev > 0 ? keyColumn(prev) : 1;
        return at(line, indent(line) + 1, "this line is indented deeper than line " + prev
                + ", so it is read as part of that line's value",
                "indent it to column " + key + ", like the key on line " + prev + ", if it is that key's sibling");
    }

    /** "could not find expected ':'": a line in a mapping that is not {@code key: value}. */
    private ConfigError missingColon(int line, int column) {
        Matcher noSpace = NO_SPACE.matcher(text(line).strip());
        if (noSpace.matches()) {
            return at(line, column, "'" + text(line).strip() + "' has no space after ':'",
                    "write '" + noSpace.group(1) + ": " + noSpace.group(2) + "', with a space after the ':'");
        }
        return at(line, column, "this line is in a mapping but is not 'key: value'",
                "add the ':' (with a space after it), or indent the line under the key it belongs to");
    }

    /** "expected &lt;block end&gt;, but found …": a line that fits no level of the indentation above it. */
    private ConfigError blockEnd(String problem, String context, int line, int column, Mark cm) {
        if (problem.endsWith("']'") || problem.endsWith("'}'")) {
            String c = problem.substring(problem.length() - 2, problem.length() - 1);
            return at(line, column, "a '" + c + "' that closes nothing", "remove it, or add the '"
                    + (c.equals("]") ? "[" : "{") + "' it should close");
        }
        if (problem.endsWith("'<scalar>'")) {
            return at(line, column, "text after the end of a value (a quote inside a value ends it early)",
                    "put the whole value in quotes; inside '…' write '' for one '");
        }
        String parent = cm == null ? "" : " (the " + (context.contains("mapping") ? "mapping" : "list") + " starting at line "
                + (cm.getLine() + 1) + ", column " + (cm.getColumn() + 1) + ")";
        return at(line, column, "this line's indentation (column " + column + ") does not line up with the lines "
                + "above it" + parent, "indent it with exactly as many spaces as its siblings: keys of one mapping, "
                + "and the '- ' items of one list, start in the same column");
    }

    private ConfigError at(int line, int column, String message, String hint) {
        return new ConfigError(file, line, column, "",
                "not valid YAML: " + message + (hint == null ? "" : "\n  hint: " + hint));
    }

    private String text(int line) {
        return line >= 1 && line <= lines.length ? lines[line - 1] : "";
    }

    private boolean tabIndented(int line) {
        String t = text(line);
        int indentEnd = 0;
        while (indentEnd < t.length() && (t.charAt(indentEnd) == ' ' || t.charAt(indentEnd) == '\t')) {
            indentEnd++;
        }
        return t.substring(0, indentEnd).indexOf('\t') >= 0;
    }

    private int indent(int line) {
        String t = text(line);
        return t.length() - t.stripLeading().length();
    }

    /** The column of the first key on a line, after any {@code - } list markers. */
    private int keyColumn(int line) {
        String t = text(line);
        int i = indent(line);
        while (i + 1 < t.length() && t.charAt(i) == '-' && t.charAt(i + 1) == ' ') {
            i += 2;
            while (i < t.length() && t.charAt(i) == ' ') {
                i++;
            }
        }
        return i + 1;
    }

    private int previousContentLine(int line) {
        for (int l = line - 1; l >= 1; l--) {
            String t = text(l).strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return l;
            }
        }
        return 0;
    }
}
