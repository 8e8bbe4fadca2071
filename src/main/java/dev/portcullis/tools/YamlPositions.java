package dev.portcullis.tools;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.config.ConfigError;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Line and column of every key and value of a YAML document, by JSON pointer, so errors found
 * after parsing can say where they are, as {@code validate} does for config files.
 */
final class YamlPositions {
    private final String file;
    private final Map<String, int[]> positions;

    private YamlPositions(String file, Map<String, int[]> positions) {
        this.file = file;
        this.positions = positions;
    }

    static YamlPositions of(String file, YAMLFactory factory, String text) throws IOException {
        Map<String, int[]> positions = new HashMap<>();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonStreamContext ctx = p.getParsingContext();
                boolean opens = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
                JsonStreamContext at = opens ? ctx.getParent() : ctx;
                String pointer = at == null ? "" : at.pathAsPointer().toString();
                JsonLocation loc = p.currentTokenLocation();
                positions.putIfAbsent(pointer, new int[] {loc.getLineNr(), loc.getColumnNr()});
            }
        }
        return new YamlPositions(file, positions);
    }

    /** An error at the pointer, or at its nearest located ancestor. */
    ConfigError error(String pointer, String message) {
        int[] pos = locate(pointer);
        return new ConfigError(file, pos[0], pos[1], readable(pointer), message);
    }

    /** {@code file:line} of the pointer. */
    String describe(String pointer) {
        int[] pos = locate(pointer);
        return pos[0] > 0 ? file + ":" + pos[0] : file;
    }

    private int[] locate(String pointer) {
        String p = pointer;
        while (true) {
            int[] pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            if (p.isEmpty()) {
                return new int[] {0, 0};
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
    }

    /** {@code /cases/2/who} reads {@code cases[2].who}. */
    private static String readable(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                sb.append(sb.length() > 0 ? "." : "").append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return sb.toString();
    }
}
