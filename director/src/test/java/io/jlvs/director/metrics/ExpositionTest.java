package io.jlvs.director.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tests' reader of the Prometheus text format reads what is well formed and refuses the rest. */
class ExpositionTest {

    @Test
    void readsFamiliesLabelsEscapesAndValues() {
        Exposition e = Exposition.parse("""
                # HELP a_total Things counted
                # TYPE a_total counter
                a_total{x="1",y="q\\"uote\\\\d"} 3
                a_total{x="2"} 4
                # HELP b Something measured
                # TYPE b gauge
                b 0.5
                """);
        assertEquals(2, e.families().size());
        assertEquals("counter", e.families().get("a_total").type());
        assertEquals("Things counted", e.families().get("a_total").help());
        assertEquals(Map.of("x", "1", "y", "q\"uote\\d"), e.families().get("a_total").samples().getFirst().labels());
        assertEquals(4, e.sample("a_total", Map.of("x", "2")).orElseThrow().value());
        assertEquals(0.5, e.sample("b", Map.of()).orElseThrow().value());
        assertTrue(e.sample("a_total", Map.of("x", "3")).isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a 1|line 1: sample before any TYPE line",
            "# TYPE a counter\\na 1|line 1: TYPE without a HELP line",
            "# HELP a h\\n# TYPE a histogram|line 2: expected '# TYPE <name> counter|gauge'",
            "# HELP a h\\n# TYPE a gauge\\nb 1|line 3: sample of another family than a",
            "# HELP a h\\n# TYPE a gauge\\na{x=\"1\" 1|line 3: expected label=\"value\"",
            "# HELP a h\\n# TYPE a gauge\\na{x=\"1|line 3: line ends inside the labels",
            "# HELP a h\\n# TYPE a gauge\\na{x=\"1\"}1|line 3: expected a space before the value",
            "# HELP a h\\n# TYPE a gauge\\na one|line 3: bad value",
            "# HELP a h\\n# TYPE a gauge\\n# HELP a h\\n# TYPE a gauge|line 4: family a declared twice",
    })
    void refusesMalformedText(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Exposition.parse(text.replace("\\n", "\n") + "\n"));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
