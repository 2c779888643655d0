package io.jlvs.director.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.director.importer.KeepalivedConfig.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keepalived.conf reader: comments, quotes, braces on the same or the next line, unbalanced braces. */
class KeepalivedConfigTest {

    @Test
    void readsCommentsQuotesAndBracesOnEitherLine() throws KeepalivedSyntaxException {
        String text = """
                ! a bang comment
                a 1 2 # a hash comment
                b "quoted # word" "with \\"quote\\""
                c
                {
                   d 3 ! trailing
                   e { f /x }
                }
                g{h}
                """;
        List<Statement> top = KeepalivedConfig.parse(text, "k.conf");
        assertEquals(List.of("a", "b", "c", "g"), top.stream().map(Statement::keyword).toList());
        assertEquals(List.of("1", "2"), top.get(0).args());
        assertEquals(2, top.get(0).line());
        assertEquals(List.of("quoted # word", "with \"quote\""), top.get(1).args());
        Statement c = top.get(2);
        assertTrue(c.hasBlock());
        assertEquals(4, c.line());
        assertEquals(List.of("d", "e"), c.block().stream().map(Statement::keyword).toList());
        assertEquals(List.of("3"), c.block().get(0).args());
        Statement e = c.block().get(1);
        assertEquals("f", e.block().getFirst().keyword());
        assertEquals(List.of("/x"), e.block().getFirst().args());
        assertEquals("h", top.get(3).block().getFirst().keyword());
        assertFalse(top.get(0).hasBlock());
    }

    @Test
    void refusesBlockThatIsNeverClosedNamingItsLine() {
        KeepalivedSyntaxException e = assertThrows(KeepalivedSyntaxException.class,
                () -> KeepalivedConfig.parse("a {\n  b {\n  }\n", "k.conf"));
        assertEquals("k.conf:1: the block opened here is not closed: a '}' is missing", e.getMessage());
    }

    @Test
    void refusesClosingBraceWithoutBlock() {
        KeepalivedSyntaxException e = assertThrows(KeepalivedSyntaxException.class,
                () -> KeepalivedConfig.parse("a {\n}\n}\n", "k.conf"));
        assertTrue(e.getMessage().startsWith("k.conf:3: '}' without a block to close"), e.getMessage());
    }

    @Test
    void refusesUnterminatedString() {
        KeepalivedSyntaxException e = assertThrows(KeepalivedSyntaxException.class,
                () -> KeepalivedConfig.parse("a\nb \"open\n", "k.conf"));
        assertEquals("k.conf:2: unterminated quoted string", e.getMessage());
    }
}
