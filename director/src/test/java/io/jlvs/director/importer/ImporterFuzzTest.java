package io.jlvs.director.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.testkit.Corpus;
import io.jlvs.core.testkit.Fuzz;
import io.jlvs.core.testkit.Mutations;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes both importers with mutated inputs (seeds in {@code src/test/resources/fuzz/ipvsadm-rules/}
 * and {@code fuzz/keepalived/}) and arbitrary text built from their words: every input gives a
 * result with a service file or errors (never an exception), its errors and notes one line each,
 * and a file that the service-file loader reads back as it was written.
 */
class ImporterFuzzTest {
    private static final List<String> RULES = Corpus.texts("ipvsadm-rules");
    private static final List<String> KEEPALIVED = Corpus.texts("keepalived");
    private static final List<String> RULES_WORDS = words(RULES);
    private static final List<String> KEEPALIVED_WORDS = words(KEEPALIVED);
    private static final GlobalSettings GLOBAL = GlobalSettings.defaults(List.of("eth0"));
    /** Resolves the names of the seeds ({@code web1}, {@code http}) and no other. */
    private static final IpvsadmImporter IPVSADM = new IpvsadmImporter(new IpvsadmImporter.Names() {
        @Override
        public OptionalInt host(String name) {
            return name.equals("web1") ? OptionalInt.of(Ipv4.parse("192.168.10.100")) : OptionalInt.empty();
        }

        @Override
        public OptionalInt port(String name, Protocol protocol) {
            return name.equals("http") ? OptionalInt.of(80) : OptionalInt.empty();
        }
    });

    private static List<String> words(List<String> texts) {
        Set<String> words = new LinkedHashSet<>(List.of("{", "}", "\n", " ", "\"", "!", "#"));
        for (String text : texts) {
            words.addAll(Arrays.asList(text.split("\\s+")));
        }
        return List.copyOf(words);
    }

    @Test
    void mutatedIpvsadmRulesGiveFileOrErrors() {
        Fuzz.check("import ipvsadm mutated", 10_000,
                random -> Mutations.text(random, RULES.get(random.nextInt(RULES.size())), RULES, RULES_WORDS, 8_192),
                Fuzz::quote, text -> isWholeResult(IPVSADM.translate(text, List.of("eth0"))));
    }

    @Test
    void arbitraryIpvsadmTextGivesFileOrErrors() {
        Fuzz.check("import ipvsadm arbitrary", 5_000, random -> Mutations.randomText(random, RULES_WORDS, 4_096),
                Fuzz::quote, text -> isWholeResult(IPVSADM.translate(text, List.of("eth0"))));
    }

    @Test
    void mutatedKeepalivedConfGivesFileOrErrors() {
        Fuzz.check("import keepalived mutated", 10_000,
                random -> Mutations.text(random, KEEPALIVED.get(random.nextInt(KEEPALIVED.size())), KEEPALIVED,
                        KEEPALIVED_WORDS, 16_384),
                Fuzz::quote, text -> isWholeResult(KeepalivedImporter.translate(text, "keepalived.conf", GLOBAL)));
    }

    @Test
    void arbitraryKeepalivedTextGivesFileOrErrors() {
        Fuzz.check("import keepalived arbitrary", 5_000,
                random -> Mutations.randomText(random, KEEPALIVED_WORDS, 4_096),
                Fuzz::quote, text -> isWholeResult(KeepalivedImporter.translate(text, "keepalived.conf", GLOBAL)));
    }

    /** Found by the fuzzer: ipvsadm's message with a line feed of its own made an error of two lines. */
    @Test
    void ipvsadmErrorIsOneLine() {
        assertEquals(List.of("line 1: -6 used before -f"),
                IPVSADM.translate("-A -t 10.0.0.1:80 -6\n", List.of("eth0")).errors());
    }

    /**
     * Found by the fuzzer: a DR server of a fwmark service with a port of its own (ipvsadm keeps
     * it) was imported into a file that the service-file loader then refused.
     */
    @Test
    void importsFwmarkDirectRouteServerWithoutItsPort() throws Exception {
        ImportResult result = IPVSADM.translate("""
                -A -f 7 -s mh -p 600
                -a -f 7 -r 192.168.20.2:1000 -g -w 1
                -a -f 7 -r 192.168.20.2:2000 -i -w 1
                """, List.of("eth0"));
        assertEquals(List.of(0), result.file().orElseThrow().services().getFirst().servers().stream()
                .map(server -> server.port()).toList());
        assertEquals(List.of("line 1: -f 7 -r 192.168.20.2:1000: a DR or TUN server of a fwmark service keeps the"
                        + " client's port; port 1000 left out",
                "line 1: -f 7 -r 192.168.20.2:2000: a DR or TUN server of a fwmark service keeps the client's port;"
                        + " port 2000 left out",
                "line 1: -f 7 -r 192.168.20.2:2000: the same server as another once its port is left out; server"
                        + " left out"), result.notes());
        isWholeResult(result);
    }

    /**
     * Found by the fuzzer: a check path with a non-ASCII character was imported into a file
     * that the service-file loader then refused.
     */
    @Test
    void refusesCheckPathTheServiceFileCannotHold() {
        ImportResult result = KeepalivedImporter.translate("""
                virtual_server 10.0.0.1 80 {
                    protocol TCP
                    real_server 10.0.1.1 80 {
                        HTTP_GET {
                            url {
                                path /health\u4482
                            }
                        }
                    }
                }
                """, "keepalived.conf", GLOBAL);
        assertEquals(List.of("keepalived.conf:6: url path: not an HTTP path: '/health\u4482'; expected a path"
                + " starting with '/' without spaces, control or non-ASCII characters, such as /health"),
                result.errors());
    }

    private static void isWholeResult(ImportResult result) throws Exception {
        assertNotNull(result);
        assertTrue(result.exitCode() >= ImportResult.EXIT_OK && result.exitCode() <= ImportResult.EXIT_ERROR);
        for (List<String> lines : List.of(result.errors(), result.notes(), result.infos())) {
            for (String line : lines) {
                assertFalse(line.isBlank(), "an empty line in " + lines);
                assertEquals(-1, line.indexOf('\n'), "a message of more than one line: " + Fuzz.quote(line));
            }
        }
        if (result.file().isPresent()) {
            assertEquals(result.file().get(), ImportFixtures.roundTrip(result.file().get()),
                    "the imported file does not read back as written");
        }
    }
}
