package dev.portcullis.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in config text are replaced by environment
 * variables, so secrets and per-environment values need not live in the file. {@code $${} is a
 * literal {@code ${}. A variable that is unset and has no default is an error at its line.
 * Comment lines are left alone.
 */
public final class EnvSubstitution {
    private static final Pattern VAR = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {
    }

    /** The substituted text; unresolved variables are added to {@code errors}. */
    public static String apply(String file, String text, Map<String, String> env, List<ConfigError> errors) {
        if (text.indexOf("${") < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i > 0) {
                out.append('\n');
            }
            if (line.stripLeading().startsWith("#") || line.indexOf("${") < 0) {
                out.append(line);
                continue;
            }
            Matcher m = VAR.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String replacement;
                if (m.group().equals("$${")) {
                    replacement = "${";
                } else {
                    String value = env.get(m.group(1));
                    if (value == null) {
                        value = m.group(2);
                    }
                    if (value == null) {
                        errors.add(new ConfigError(file, i + 1, m.start() + 1, "",
                                "environment variable " + m.group(1) + " is not set (write ${" + m.group(1)
                                        + ":-default} for a default)"));
                        value = "";
                    }
                    replacement = value;
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(sb);
            out.append(sb);
        }
        return out.toString();
    }
}
