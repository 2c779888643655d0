package io.jlvs.config.yaml;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The "did you mean" guesses for mistyped names. */
class SuggestionsTest {
    private static final List<String> KEYS = List.of("address", "port", "weight", "method",
            "upper-threshold", "lower-threshold");

    @Test
    void swapOfNeighboursCountsAsOneEdit() {
        assertEquals(1, Suggestions.distance("wieght", "weight"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
    }

    @Test
    void suggestsTheKeyWithinTwoEdits() {
        assertEquals("weight", Suggestions.closest("wieght", KEYS));
        assertEquals("address", Suggestions.closest("adress", KEYS));
        assertEquals("method", Suggestions.closest("methd", KEYS));
    }

    @Test
    void ignoresCaseAndSeparators() {
        assertEquals("upper-threshold", Suggestions.closest("upperThreshold", KEYS));
        assertEquals("lower-threshold", Suggestions.closest("LOWER_THRESHOLD", KEYS));
    }

    @Test
    void shortWordsAllowOneEditOnly() {
        assertEquals("port", Suggestions.closest("prt", KEYS));
        assertNull(Suggestions.closest("pxy", KEYS));
    }

    @Test
    void unrelatedWordHasNoSuggestion() {
        assertNull(Suggestions.closest("colour", KEYS));
    }
}
