package io.jlvs.config;

import java.util.List;

/**
 * A configuration input was refused. Carries every error found, in file order; the
 * message lists them one per line.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    /** @param errors at least one error */
    public ConfigException(List<ConfigError> errors) {
        super(message(errors));
        this.errors = List.copyOf(errors);
    }

    private static String message(List<ConfigError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        StringBuilder text = new StringBuilder();
        for (ConfigError error : errors) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(error);
        }
        return text.toString();
    }

    /** The errors, in file order. */
    public List<ConfigError> errors() {
        return errors;
    }
}
