package dev.portcullis.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL to find the names in an expression: strings, label matchers, ranges,
 * {@code offset}s and label lists are removed, and what is left that looks like an identifier is a
 * function, a keyword or a metric name.
 */
final class PromQl {
    /** The functions, aggregations and keywords the deploy files may use. */
    static final Set<String> KEYWORDS = Set.of("sum", "min", "max", "avg", "count", "topk", "bottomk", "rate", "irate",
            "increase", "delta", "histogram_quantile", "time", "vector", "scalar", "absent", "clamp_min", "changes",
            "max_over_time", "min_over_time", "and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+[0-9a-z]+");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][\\w:]*");

    private PromQl() {
    }

    /** Every identifier left in {@code expr}: keywords, functions and metric names. */
    static Set<String> identifiers(String expr) {
        String s = STRING.matcher(expr).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGE.matcher(s).replaceAll(" ");
        s = LABEL_LIST.matcher(s).replaceAll(" $1 ");
        s = OFFSET.matcher(s).replaceAll(" ");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** The identifiers that are not keywords: metric names (or mistakes). */
    static Set<String> metrics(String expr) {
        Set<String> out = identifiers(expr);
        out.removeAll(KEYWORDS);
        return out;
    }

    /**
     * Grafana's variables replaced by values Prometheus accepts, so that a dashboard query can be
     * checked as a rule expression.
     */
    static String withoutGrafanaVariables(String expr) {
        return expr.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "1h")
                .replaceAll("\\$\\{?\\w+}?", ".*");
    }
}
