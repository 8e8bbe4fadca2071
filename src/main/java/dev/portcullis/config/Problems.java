package dev.portcullis.config;

import java.util.ArrayList;
import java.util.List;

/** Collects located config errors while a file is read and checked. */
final class Problems {
    private final String file;
    private final SourceMap sourceMap;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file, SourceMap sourceMap) {
        this.file = file;
        this.sourceMap = sourceMap;
    }

    void add(String pointer, String message) {
        int[] pos = sourceMap.locate(pointer);
        errors.add(new ConfigError(file, pos[0], pos[1], readable(pointer), message));
    }

    /** {@code file:line} of a pointer, for messages that name a place (e.g. duplicate ids). */
    String describe(String pointer) {
        int[] pos = sourceMap.locate(pointer);
        return pos[0] > 0 ? file + ":" + pos[0] : file;
    }

    List<ConfigError> errors() {
        return errors;
    }

    /** {@code /routes/2/allow} becomes {@code routes[2].allow}. */
    static String readable(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return sb.toString();
    }
}
