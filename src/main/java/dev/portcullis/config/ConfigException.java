package dev.portcullis.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a config cannot be loaded; carries every error found, not just the first, sorted
 * by position ({@link ConfigError#byPosition}) whatever order the checks found them in.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(ConfigError.byPosition(errors).stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = ConfigError.byPosition(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
