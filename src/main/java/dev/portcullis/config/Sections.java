package dev.portcullis.config;

import java.util.Set;
import java.util.function.Function;

/** How every optional mapping of the config is read: absent means its defaults, unknown keys are errors. */
final class Sections {
    private Sections() {
    }

    /**
     * The section at {@code n} bound by {@code bind}, after refusing keys outside {@code keys}; its
     * {@code defaults} when the key is absent or not a mapping (which {@link ConfigNode#expectObject} reports).
     */
    static <T> T read(ConfigNode n, Set<String> keys, T defaults, Function<T, T> bind) {
        if (!n.expectObject()) {
            return defaults;
        }
        n.allowOnly(keys);
        return bind.apply(defaults);
    }
}
