package io.jlvs.config.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.sched.Schedulers;
import io.jlvs.core.testkit.Corpus;
import io.jlvs.core.testkit.Fuzz;
import io.jlvs.core.testkit.Mutations;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the service-file loader with mutated service files (seeds in
 * {@code src/test/resources/fuzz/service-file/}) and with text made of YAML's punctuation and
 * the format's keys: every input gives a model or a {@link ConfigException} whose errors are
 * one line each, never another exception or error.
 */
class ServiceFileLoaderFuzzTest {
    private static final int MAX_CHARS = 32_768;
    private static final List<String> CORPUS = Corpus.texts("service-file");
    private static final List<String> DICTIONARY = dictionary();

    private final ServiceFileLoader loader = new ServiceFileLoader();

    /** The format's keys and words (from the loader's own lists) and YAML's punctuation. */
    private static List<String> dictionary() {
        List<String> words = new ArrayList<>(List.of("\n- ", ": ", "\n  ", "[", "]", "{", "}", ", ", "&a ", "*a",
                "<<: *a", "!!int ", "!!str ", "!!binary ", "!!map ", "!custom ", "---\n", "...\n", "? ", "|\n  ",
                ">-\n  ", "%YAML 1.2\n", "'", "\"", "\"\\u0000\"", "~", "tcp", "udp", "auto", "af_xdp", "http",
                "quiesce", "remove", "false", "true", "/run/x.sock", "127.0.0.1:9180", "255.255.255.0"));
        for (List<String> keys : List.of(ServiceFileLoader.ROOT_KEYS, ServiceFileLoader.GLOBAL_KEYS,
                ServiceFileLoader.IO_KEYS, ServiceFileLoader.IDLE_KEYS, ServiceFileLoader.TIMEOUT_KEYS,
                ServiceFileLoader.SERVICE_KEYS, ServiceFileLoader.PERSISTENCE_KEYS, ServiceFileLoader.SERVER_KEYS,
                ServiceFileLoader.HEALTH_CHECK_KEYS)) {
            for (String key : keys) {
                words.add(key + ": ");
            }
        }
        words.addAll(ServiceFileLoader.METHODS.keySet());
        words.addAll(Schedulers.names());
        return List.copyOf(words);
    }

    @Test
    void mutatedServiceFilesGiveModelOrConfigError() {
        Fuzz.check("service-file mutated", 10_000,
                random -> Mutations.text(random, CORPUS.get(random.nextInt(CORPUS.size())), CORPUS, DICTIONARY,
                        MAX_CHARS),
                Fuzz::quote, this::givesModelOrConfigError);
    }

    @Test
    void arbitraryTextGivesModelOrConfigError() {
        Fuzz.check("service-file arbitrary", 5_000, random -> Mutations.randomText(random, DICTIONARY, MAX_CHARS),
                Fuzz::quote, this::givesModelOrConfigError);
    }

    /** Found by the fuzzer: a value tagged {@code !!int} that is no integer threw NumberFormatException. */
    @Test
    void refusesValueTaggedIntThatIsNoInteger() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("global: {interfaces: [eth0], workers: !!int 1\u0085}\n", "fuzz.yaml"));
        assertEquals(List.of("fuzz.yaml:1 global.workers: expected an integer 1..256, got \"1\\u0085\" tagged !!int"),
                e.errors().stream().map(ConfigError::toString).toList());
    }

    /** Found by the fuzzer: a quoted value with a line break made an error of two lines. */
    @Test
    void quotesLineBreaksOfValuesAsEscapes() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse("-0%\ufeff5null9...\n\nS}%YAML 1.2\nnull99999999999999999999tun", "fuzz.yaml"));
        assertEquals(1, e.errors().size());
        assertTrue(e.errors().getFirst().message().contains("\"-0%\ufeff5null9...\\nS}%YAML 1.2"),
                e.errors().getFirst().message());
    }

    /** Found by the fuzzer: an escape cut short at the end of the text threw NumberFormatException. */
    @Test
    void refusesEscapeWithoutHexDigits() {
        for (String yaml : List.of("\"\\x", "\"\\u12", "key: \"\\U0001\"", "%YAML 99999999999.2\n--- x\n")) {
            ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(yaml, "fuzz.yaml"),
                    Fuzz.quote(yaml));
            assertEquals(1, e.errors().size(), Fuzz.quote(yaml));
            assertTrue(e.errors().getFirst().message().startsWith("not valid YAML"), e.errors().getFirst().message());
        }
    }

    private void givesModelOrConfigError(String yaml) {
        try {
            assertNotNull(loader.parse(yaml, "fuzz.yaml"));
        } catch (ConfigException e) {
            assertFalse(e.errors().isEmpty(), "a ConfigException without errors");
            for (ConfigError error : e.errors()) {
                assertFalse(error.message().isBlank(), "an error without a message: " + error);
                assertTrue(error.toString().indexOf('\n') < 0, "an error of more than one line: " + error);
            }
        }
    }
}
