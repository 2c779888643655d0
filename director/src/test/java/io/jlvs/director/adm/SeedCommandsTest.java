package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ipvsadm command line of the LVS tutorials (seed-commands.txt, extracted from the
 * seeds with their shell variables replaced) parses to the command the tutorial means.
 */
class SeedCommandsTest {
    private static final AdmParser PARSER = new AdmParser();

    /** One line of seed-commands.txt. */
    record Seed(String source, List<String> words, String intended) {
        @Override
        public String toString() {
            return source + " ipvsadm " + String.join(" ", words);
        }
    }

    static Stream<Seed> seeds() {
        List<Seed> seeds = new ArrayList<>();
        for (String line : Fixtures.resource("seed-commands.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\|");
            String words = parts[1].trim();
            seeds.add(new Seed(parts[0].trim(), words.isEmpty() ? List.of() : Arrays.asList(words.split(" ")),
                    parts[2].trim()));
        }
        return seeds.stream();
    }

    @Test
    void everySeedFileContributesLines() {
        List<String> files = seeds().map(seed -> seed.source().substring(0, 3)).distinct().toList();
        assertEquals(List.of("000", "001", "002", "003", "004"), files);
        assertTrue(seeds().count() >= 50);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void seedLineParsesToIntendedCommand(Seed seed) {
        assertEquals(seed.intended(), describe(PARSER.parse(seed.words())), seed.toString());
    }

    /** A compact, independent rendering of a parse result, in the words of seed-commands.txt. */
    private static String describe(AdmResult result) {
        if (result instanceof AdmResult.Failed failed) {
            return "error " + failed.exitCode() + " " + failed.message();
        }
        AdmCommand command = ((AdmResult.Parsed) result).command();
        String service = command.service().map(s -> s.protocol().listName() + " " + Ipv4.format(s.address())
                + ":" + s.port()).orElse("");
        return switch (command.kind()) {
            case ADD_SERVICE -> "-A " + service + " " + command.serviceOptions().scheduler()
                    + (command.serviceOptions().isPersistent()
                            ? " persistent " + command.serviceOptions().persistenceSeconds() : "");
            case ADD_SERVER -> {
                ServerOptions server = command.server().orElseThrow();
                yield "-a " + service + " -r " + Ipv4.format(server.address()) + ":" + server.port() + " "
                        + server.method().listName() + " w" + server.weight();
            }
            case DELETE_SERVER -> "-d " + service + " -r " + command.server().orElseThrow().endpoint();
            case DELETE_SERVICE -> "-D " + service;
            case FLUSH -> "-C";
            case ZERO -> "-Z";
            case HELP -> "-h";
            case SET_TIMEOUTS -> {
                TimeoutValues t = command.timeouts().orElseThrow();
                yield "--set " + t.tcpSeconds() + " " + t.tcpFinSeconds() + " " + t.udpSeconds();
            }
            case LIST -> ("-L" + (command.has(AdmOption.NUMERIC) ? " n" : "")
                    + (command.has(AdmOption.CONNECTION) ? " c" : "")
                    + (command.has(AdmOption.STATS) ? " stats" : ""));
            case SAVE -> "-S" + (command.has(AdmOption.NUMERIC) ? " n" : "");
            default -> command.kind().toString();
        };
    }
}
