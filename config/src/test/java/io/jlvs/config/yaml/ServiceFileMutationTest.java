package io.jlvs.config.yaml;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.ServiceFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Randomly damaged copies of the example files (seeded, so a failure repeats): each is
 * either refused with errors that all carry a line, or accepted and then survives a
 * write and reload. Nothing else may escape the loader.
 */
class ServiceFileMutationTest {
    private static final String[] PIECES = {"-", ":", " ", "\n", "[", "]", "{", "}", "0", "-1",
        "99999999999999999999", "&a", "*a", "<<", "\"", "'", "#", "true", "null", ",", "x", "tun", "nat",
        "port", "weight", "\t", "~", "1.5", "0.0.0.0", "!!str", "!!int", "? "};
    private static final int MUTANTS = 400;

    private final ServiceFileLoader loader = new ServiceFileLoader();
    private final ServiceFileWriter writer = new ServiceFileWriter();

    @ParameterizedTest
    @ValueSource(strings = {"examples/nat.yaml", "examples/dr.yaml", "examples/tun.yaml"})
    void damagedFileIsRefusedWithLinesOrAcceptedAndRoundTrips(String name) {
        String original = ServiceFileLoaderTest.resource(name);
        Random random = new Random(name.hashCode());
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < MUTANTS; i++) {
            String mutant = mutate(original, random);
            ServiceFile file;
            try {
                file = loader.parse(mutant, "mutant.yaml");
            } catch (ConfigException e) {
                refused++;
                for (ConfigError error : e.errors()) {
                    assertTrue(error.line() > 0, () -> "no line in " + error + " for:\n" + mutant);
                }
                continue;
            } catch (RuntimeException e) {
                fail("loader threw " + e + " for:\n" + mutant, e);
                return;
            }
            accepted++;
            String written = writer.write(file);
            try {
                assertEquals(file, loader.parse(written, "written.yaml"), written);
            } catch (ConfigException e) {
                fail("written file refused: " + e.getMessage() + "\n" + written);
            }
        }
        assertTrue(accepted > 0 && refused > 0, "accepted " + accepted + ", refused " + refused);
    }

    private static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int k = 0; k < edits; k++) {
            int at = random.nextInt(s.length());
            String piece = PIECES[random.nextInt(PIECES.length)];
            switch (random.nextInt(3)) {
                case 0 -> s.insert(at, piece);
                case 1 -> s.deleteCharAt(at);
                default -> s.replace(at, Math.min(s.length(), at + piece.length()), piece);
            }
        }
        return s.toString();
    }
}
