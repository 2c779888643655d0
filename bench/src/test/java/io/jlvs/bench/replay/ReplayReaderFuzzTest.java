package io.jlvs.bench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.sched.Schedulers;
import io.jlvs.core.testkit.Corpus;
import io.jlvs.core.testkit.Fuzz;
import io.jlvs.core.testkit.Mutations;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@code jlvs replay --check -} with mutated scenario JSON (seeds in
 * {@code src/test/resources/fuzz/replay/}) and arbitrary text of JSON punctuation and the
 * scenarios' words: every input ends with exit status 0, 1 or 2, never an exception, and status
 * 2 comes with messages on standard error, each one {@code replay: ...} line.
 */
class ReplayReaderFuzzTest {
    private static final List<String> CORPUS = Corpus.texts("replay");
    private static final List<String> DICTIONARY = dictionary();

    /** The quoted words of the seeds (field names, ops, values), scheduler names and JSON punctuation. */
    private static List<String> dictionary() {
        Set<String> words = new LinkedHashSet<>(List.of("{", "}", "[", "]", ",", ":", "\"", "null", "true", "1e400",
                "-0.5", "[[[[[[[[", "{\"op\": \"schedule\"}", "\"\\u0000\""));
        Matcher quoted = Pattern.compile("\"[^\"]*\"").matcher(String.join("\n", CORPUS));
        while (quoted.find()) {
            words.add(quoted.group());
        }
        for (String name : Schedulers.names()) {
            words.add("\"" + name + "\"");
        }
        return List.copyOf(words);
    }

    @Test
    void mutatedScenariosEndWithStatusAndMessages() {
        Fuzz.check("replay mutated", 5_000,
                random -> Mutations.text(random, CORPUS.get(random.nextInt(CORPUS.size())), CORPUS, DICTIONARY, 16_384),
                Fuzz::quote, ReplayReaderFuzzTest::endsWithStatusAndMessages);
    }

    @Test
    void arbitraryTextEndsWithStatusAndMessages() {
        Fuzz.check("replay arbitrary", 5_000, random -> Mutations.randomText(random, DICTIONARY, 4_096),
                Fuzz::quote, ReplayReaderFuzzTest::endsWithStatusAndMessages);
    }

    /** Found by the fuzzer: an op name with an escaped line feed made a message of two lines. */
    @Test
    void quotesLineBreakOfUnknownOpAsEscape() {
        String json = """
                {"id": "x", "scheduler": "rr", "service": {"vip": "10.0.0.1", "vport": 80},
                 "events": [{"op": "set_con\\ns"}]}
                """;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayMain.run(new String[] {"-"}, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertEquals(List.of("replay: scenario 'x' events[0]: unknown op 'set_con\\ns': valid ops are add_dest,"
                + " edit_dest, del_dest, set_conns, rebind_scheduler, schedule"),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static void endsWithStatusAndMessages(String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayMain.run(new String[] {"--check", "-"},
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(status >= 0 && status <= 2, "exit status " + status);
        assertEquals(status == 2, !errors.isEmpty(), "status " + status + " with errors " + Fuzz.quote(errors));
        for (String line : errors.lines().toList()) {
            assertTrue(line.startsWith("replay: "), "not a replay message: " + Fuzz.quote(line));
            assertFalse(line.strip().equals("replay:"), "an empty message");
        }
    }
}
