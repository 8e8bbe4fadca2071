package dev.portcullis.config;

/**
 * Reads the path-matching options of a route ({@code trailing_slash}, {@code path_case}) and of
 * {@code routing:} ({@code path_case}), with located errors for values outside their sets.
 */
final class RouteOptions {
    private RouteOptions() {
    }

    /** {@code trailing_slash: ignore} (the default: {@code /a} also matches {@code /a/}) or {@code strict}. */
    static boolean strictTrailingSlash(ConfigNode n) {
        String value = n.text("trailing_slash", "ignore");
        if (!value.equals("ignore") && !value.equals("strict")) {
            n.get("trailing_slash").error("expected 'ignore' or 'strict', was '" + value + "'");
            return false;
        }
        return value.equals("strict");
    }

    /** {@code path_case: sensitive} (false) or {@code insensitive} (true); null when absent or wrong. */
    static Boolean pathCase(ConfigNode n) {
        String value = n.text("path_case", null);
        if (value == null) {
            return null;
        }
        if (!value.equals("sensitive") && !value.equals("insensitive")) {
            n.get("path_case").error("expected 'sensitive' or 'insensitive', was '" + value + "'");
            return null;
        }
        return value.equals("insensitive");
    }
}
