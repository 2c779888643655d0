package io.jlvs.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class OneLineTest {
    @Test
    void escapesLineBreaksAndControlCharacters() {
        assertEquals("a\\nb\\r\\tc\\u0085d\\u2028e\\u0000", OneLine.of("a\nb\r\tc\u0085d\u2028e\u0000"));
    }

    @Test
    void keepsPrintableTextAsItIs() {
        String text = "weight: must be 0..65535, was '\u00e9\u4482' \\n";
        assertSame(text, OneLine.of(text));
    }
}
