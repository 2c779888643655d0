package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.testkit.Corpus;
import io.jlvs.core.testkit.Fuzz;
import io.jlvs.core.testkit.Mutations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@code jlvsadm}'s argument parser with mutated argument vectors (seeds in
 * {@code src/test/resources/fuzz/adm-args/}, one a line) and {@code jlvsadm -R}'s reader with
 * mutated rules text (seeds in {@code fuzz/ipvsadm-rules/}): the parser answers every vector
 * with a command, or a one-line message and ipvsadm's exit status; the reader answers every
 * text with commands and line errors whose line numbers are lines of the text.
 */
class AdmParserFuzzTest {
    private static final List<List<String>> VECTORS = vectors();
    private static final List<String> RULES = Corpus.texts("ipvsadm-rules");
    /** The words of the seeds and the long name of every option. */
    private static final List<String> DICTIONARY = dictionary();

    private final AdmParser parser = new AdmParser();

    private static List<List<String>> vectors() {
        List<List<String>> vectors = new ArrayList<>();
        for (String text : Corpus.texts("adm-args")) {
            for (String line : text.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    vectors.add(List.of(line.strip().split(" +")));
                }
            }
        }
        return List.copyOf(vectors);
    }

    private static List<String> dictionary() {
        Set<String> words = new LinkedHashSet<>();
        VECTORS.forEach(words::addAll);
        for (String rules : RULES) {
            words.addAll(Arrays.asList(rules.split("\\s+")));
        }
        for (AdmOption option : AdmOption.values()) {
            words.add("--" + option.optionName());
        }
        return List.copyOf(words);
    }

    @Test
    void mutatedArgumentVectorsGiveCommandOrMessage() {
        Fuzz.check("jlvsadm arguments mutated", 50_000,
                random -> Mutations.words(random, VECTORS.get(random.nextInt(VECTORS.size())), DICTIONARY),
                List::toString, this::givesCommandOrMessage);
    }

    @Test
    void arbitraryArgumentVectorsGiveCommandOrMessage() {
        Fuzz.check("jlvsadm arguments arbitrary", 20_000, random -> {
            List<String> args = new ArrayList<>();
            int length = random.nextInt(10);
            for (int i = 0; i < length; i++) {
                args.add(random.nextInt(4) == 0 ? Mutations.randomText(random, DICTIONARY, 24)
                        : DICTIONARY.get(random.nextInt(DICTIONARY.size())));
            }
            return args;
        }, List::toString, this::givesCommandOrMessage);
    }

    @Test
    void mutatedRulesGiveCommandsAndLineErrors() {
        RestoreReader reader = new RestoreReader(parser);
        Fuzz.check("jlvsadm -R rules mutated", 10_000,
                random -> Mutations.text(random, RULES.get(random.nextInt(RULES.size())), RULES, DICTIONARY, 8_192),
                Fuzz::quote, text -> {
                    RestoreReader.Result result = reader.read(text);
                    int lines = text.split("\n", -1).length;
                    int previous = 0;
                    for (RestoreReader.Line line : result.lines()) {
                        assertNotNull(line.command());
                        assertTrue(line.lineNumber() > previous && line.lineNumber() <= lines, "line " + line);
                        previous = line.lineNumber();
                    }
                    for (RestoreReader.LineError error : result.errors()) {
                        assertTrue(error.lineNumber() >= 1 && error.lineNumber() <= lines, error.toString());
                        isOneLineMessage(error.message());
                    }
                });
    }

    private void givesCommandOrMessage(List<String> args) {
        AdmResult result = parser.parse(args);
        assertNotNull(result);
        switch (result) {
            case AdmResult.Parsed parsed -> assertNotNull(parsed.command());
            case AdmResult.Failed failed -> {
                // A message may quote (part of) an argument, line breaks and all, as ipvsadm's do.
                boolean argumentHasLineBreak = args.stream().anyMatch(word -> word.matches("(?s).*[\\r\\n].*"));
                isOneLineMessage(argumentHasLineBreak ? failed.message().replaceAll("[\\r\\n]", " ") : failed.message());
                assertTrue(failed.exitCode() == AdmResult.EXIT_BAD_OPTION
                        || failed.exitCode() == AdmResult.EXIT_TRY_HELP, "exit status " + failed.exitCode());
            }
        }
    }

    /** One line, but for the line feed some of ipvsadm's messages end with ({@code -6 used before -f\n}). */
    static void isOneLineMessage(String message) {
        assertFalse(message.isBlank(), "an empty message");
        assertEquals(-1, message.strip().indexOf('\n'), "a message of more than one line: " + Fuzz.quote(message));
    }
}
