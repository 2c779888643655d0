package io.jlvs.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the text files jlvs is given (the service file, ipvsadm rules, keepalived.conf): UTF-8
 * only (a leading byte-order mark is dropped), and at most {@link #MAX_BYTES}, so a wrong path ({@code /dev/zero}, a log, a disk
 * image) is refused with a reason instead of filling the memory.
 */
public final class TextInput {
    /** The largest input read: 2 MiB, some 30 000 real servers in a service file; a plain scalar that long takes seconds to scan. */
    public static final int MAX_BYTES = 2 << 20;

    /** The input is larger than {@link #MAX_BYTES}. */
    public static final class TooLargeException extends IOException {
        TooLargeException(String what) {
            super(what + " is larger than " + (MAX_BYTES >> 20) + " MiB; jlvs reads no more");
        }
    }

    private TextInput() {
    }

    /**
     * The text of {@code file}.
     *
     * @throws TooLargeException when it holds more than {@link #MAX_BYTES}
     * @throws CharacterCodingException when it is not UTF-8
     * @throws IOException when it cannot be read (a directory, no permission, no such file)
     */
    public static String read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("it is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, "the file");
        }
    }

    /** The text of {@code in}, named {@code what} in messages; as {@link #read(Path)}. */
    public static String read(InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new TooLargeException(what);
        }
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        // A byte-order mark some editors write is no part of the text (it hid a keepalived
        // file's first virtual_server keyword).
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
