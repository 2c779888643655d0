package io.jlvs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one reader of jlvs's text inputs: UTF-8, bounded, without a byte-order mark. */
class TextInputTest {
    @Test
    void aByteOrderMarkIsNoPartOfTheText() throws Exception {
        byte[] bytes = "\uFEFFvirtual_server 10.0.0.1 80 {\n}\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("virtual_server 10.0.0.1 80 {\n}\n", TextInput.read(new ByteArrayInputStream(bytes), "input"));
    }

    @Test
    void moreThanTheLimitIsRefusedAndNotUtf8Either() {
        byte[] big = new byte[TextInput.MAX_BYTES + 1];
        TextInput.TooLargeException e = assertThrows(TextInput.TooLargeException.class,
                () -> TextInput.read(new ByteArrayInputStream(big), "the input"));
        assertEquals("the input is larger than 2 MiB; jlvs reads no more", e.getMessage());
        assertThrows(CharacterCodingException.class,
                () -> TextInput.read(new ByteArrayInputStream(new byte[] {(byte) 0xC3, 0x28}), "input"));
    }
}
