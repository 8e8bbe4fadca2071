package dev.portcullis.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One problem found in a config file, with where it was found.
 *
 * @param file   the file the problem is in
 * @param line   1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 * @param path   the JSON-pointer-like path of the offending key (e.g. {@code routes[2].allow})
 * @param message what is wrong, in words a user can act on
 */
public record ConfigError(String file, int line, int column, String path, String message) {

    /**
     * The errors in the order a reader fixes them: by file (in the order the files first appear,
     * so the main config comes before the route files it includes), then line, then column; an
     * error about a whole file (line 0) first. Errors at the same place keep the order they were found.
     */
    public static List<ConfigError> byPosition(List<ConfigError> errors) {
        Map<String, Integer> fileOrder = new HashMap<>();
        for (ConfigError e : errors) {
            fileOrder.putIfAbsent(e.file(), fileOrder.size());
        }
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.<ConfigError>comparingInt(e -> fileOrder.get(e.file()))
                .thenComparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return List.copyOf(sorted);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
