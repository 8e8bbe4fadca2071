package dev.portcullis.config;

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
