package dev.portcullis.config;

import java.util.List;

/**
 * One {@code claims} condition of an allow or deny entry, as written: which values of the named
 * claim satisfy it. Three forms, each a record:
 * <ul>
 *   <li>{@link OneOf}: {@code department: [eng, ops]}, {@code department: eng} or
 *       {@code department: { one_of: [eng, ops] }}: the claim, or one of its elements, equals one
 *       of the values as text;</li>
 *   <li>{@link Suffix}: {@code email: { suffix: "@example.com" }}: the claim, or one of its
 *       elements, is a JSON string that ends with one of the suffixes, case-sensitively;</li>
 *   <li>{@link Bool}: {@code email_verified: true}: the claim, or one of its elements, is that JSON
 *       boolean (the string {@code "true"} is not).</li>
 * </ul>
 */
public sealed interface ClaimConfig {

    /** The condition in the words of the config file, for explanations: {@code [a, b]}, {@code suffix [@x]}, {@code true}. */
    String text();

    /** @param values the accepted values, compared exactly with the claim's text form */
    record OneOf(List<String> values) implements ClaimConfig {
        public OneOf {
            values = List.copyOf(values);
        }

        @Override
        public String text() {
            return "[" + String.join(", ", values) + "]";
        }
    }

    /** @param suffixes the accepted endings of a string claim */
    record Suffix(List<String> suffixes) implements ClaimConfig {
        public Suffix {
            suffixes = List.copyOf(suffixes);
        }

        @Override
        public String text() {
            return "suffix [" + String.join(", ", suffixes) + "]";
        }
    }

    /** @param value the JSON boolean the claim must be */
    record Bool(boolean value) implements ClaimConfig {
        @Override
        public String text() {
            return Boolean.toString(value);
        }
    }
}
