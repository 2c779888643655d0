package io.jlvs.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How errors and the exception carrying them read. */
class ConfigErrorTest {
    @Test
    void readsAsFileLinePathMessage() {
        assertEquals("services.yaml:14 services[0].servers[2].weight: must be 0..65535, was -1",
                new ConfigError("services.yaml", 14, "services[0].servers[2].weight", "must be 0..65535, was -1")
                        .toString());
    }

    @Test
    void leavesOutMissingLineAndPath() {
        assertEquals("/etc/jlvs/services.yaml: cannot read the service file: no such file",
                new ConfigError("/etc/jlvs/services.yaml", 0, "", "cannot read the service file: no such file")
                        .toString());
    }

    @Test
    void exceptionNeedsAnError() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigException(List.of()));
    }

    @Test
    void exceptionMessageHasOneLinePerError() {
        ConfigException e = new ConfigException(List.of(new ConfigError("f", 1, "a", "x"),
                new ConfigError("f", 2, "b", "y")));
        assertEquals("f:1 a: x\nf:2 b: y", e.getMessage());
        assertEquals(2, e.errors().size());
    }
}
