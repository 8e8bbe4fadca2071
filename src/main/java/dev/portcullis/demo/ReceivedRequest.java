package dev.portcullis.demo;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a {@link SampleService} received, exactly: for tests that assert on what reached the
 * upstream rather than on status codes.
 *
 * @param method    the request method
 * @param path      the raw path and query, as received
 * @param headers   every header line's value, by lower-case name, in the order received
 * @param bodyBytes the number of body bytes read
 */
public record ReceivedRequest(String method, String path, Map<String, List<String>> headers, long bodyBytes) {

    public ReceivedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        TreeMap<String, List<String>> copy = new TreeMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableSortedMap(copy);
    }

    /** All values of a header (name in any case), empty when absent. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The header's values joined with {@code ", "}, or null when absent. */
    public String header(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }
}
