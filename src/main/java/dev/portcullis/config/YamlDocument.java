package dev.portcullis.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Objects;

/**
 * A parsed YAML file: its tree and where each of its keys and values stands. The one way our
 * YAML files are parsed (config files, included route files, policy test cases), so a file
 * that is not YAML is reported alike everywhere: {@code file:line:column: not valid YAML: …} with
 * the likely cause and a hint line ({@link YamlSyntax}).
 *
 * @param file      the file's name, as errors show it
 * @param root      the document's tree, or null for an empty document
 * @param sourceMap line and column of every key and value, by JSON pointer
 */
public record YamlDocument(String file, JsonNode root, SourceMap sourceMap) {

    public YamlDocument {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sourceMap, "sourceMap");
    }

    /**
     * Parses text with a mapper over a {@link YAMLFactory} (Jackson's YAML parser, whose strictness,
     * such as refusing repeated keys, the mapper sets).
     *
     * @throws ConfigException with one located error when the text is not YAML
     */
    public static YamlDocument parse(String file, String text, ObjectMapper mapper) throws ConfigException {
        try {
            return new YamlDocument(file, mapper.readTree(text), SourceMap.of((YAMLFactory) mapper.getFactory(), text));
        } catch (JacksonException e) {
            throw new ConfigException(List.of(YamlSyntax.error(file, text, e)));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file, 0, 0, "", "cannot parse: " + e.getMessage())));
        }
    }

    /** The error for a file that cannot be read at all. */
    public static ConfigException unreadable(String file, IOException e) {
        return new ConfigException(List.of(new ConfigError(file, 0, 0, "", "cannot read file: " + why(e))));
    }

    /** The reason in words, without the exception's class name. */
    private static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** An error at the pointer, or at its nearest located ancestor. */
    public ConfigError error(String pointer, String message) {
        return sourceMap.error(file, pointer, message);
    }

    /** {@code file:line} of the pointer. */
    public String describe(String pointer) {
        return sourceMap.describe(file, pointer);
    }
}
