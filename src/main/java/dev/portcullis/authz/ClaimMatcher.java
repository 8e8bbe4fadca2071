package dev.portcullis.authz;

import dev.portcullis.config.ClaimConfig;
import java.util.List;
import java.util.Set;

/**
 * A compiled {@code claims} condition: does a claim's value satisfy it? Built once at load from a
 * {@link ClaimConfig}; {@link #matches} allocates nothing for string and boolean claims. A claim
 * that is a JSON array satisfies the condition when one of its elements does; an absent claim
 * never does.
 */
public sealed interface ClaimMatcher {

    /** Whether one value (never a list, never null) satisfies the condition. */
    boolean matchesValue(Object value);

    /** The condition in the words of the config file: {@code [a, b]}, {@code suffix [@x]}, {@code true}. */
    String text();

    /**
     * Whether the claim's value ({@code null} when absent; a String, Number, Boolean or List)
     * satisfies the condition: the value itself, or for a list one of its elements.
     */
    default boolean matches(Object claim) {
        if (claim instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object e = list.get(i);
                if (e != null && matchesValue(e)) {
                    return true;
                }
            }
            return false;
        }
        return claim != null && matchesValue(claim);
    }

    static ClaimMatcher of(ClaimConfig config) {
        if (config instanceof ClaimConfig.OneOf o) {
            return new OneOf(Set.copyOf(o.values()));
        }
        if (config instanceof ClaimConfig.Suffix s) {
            return new Suffix(s.suffixes());
        }
        return new Bool(((ClaimConfig.Bool) config).value());
    }

    /**
     * The value's text equals one of {@code values} exactly: a string as it is, a number or a
     * boolean as JSON writes it ({@code 3}, {@code true}), as the plain form has always compared.
     */
    record OneOf(Set<String> values) implements ClaimMatcher {
        public OneOf {
            values = Set.copyOf(values);
        }

        @Override
        public boolean matchesValue(Object v) {
            return values.contains(v instanceof String s ? s : String.valueOf(v));
        }

        @Override
        public String text() {
            return new java.util.TreeSet<>(values).toString();
        }
    }

    /**
     * The value is a JSON string ending with one of {@code suffixes}, compared char by char: no case
     * folding (no Unicode lookalike reaches a domain through it), and a number never matches.
     */
    record Suffix(List<String> suffixes) implements ClaimMatcher {
        public Suffix {
            suffixes = List.copyOf(suffixes);
            // Every string ends with "": an empty suffix would hold for any value of the claim.
            if (suffixes.isEmpty() || suffixes.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("a suffix condition needs non-empty suffixes: " + suffixes);
            }
        }

        @Override
        public boolean matchesValue(Object v) {
            if (!(v instanceof String s)) {
                return false;
            }
            for (int i = 0; i < suffixes.size(); i++) {
                if (s.endsWith(suffixes.get(i))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String text() {
            return "suffix " + suffixes;
        }
    }

    /** The value is the JSON boolean {@code value}; the string {@code "true"} is not a boolean. */
    record Bool(boolean value) implements ClaimMatcher {
        @Override
        public boolean matchesValue(Object v) {
            return v instanceof Boolean b && b == value;
        }

        @Override
        public String text() {
            return Boolean.toString(value);
        }
    }
}
