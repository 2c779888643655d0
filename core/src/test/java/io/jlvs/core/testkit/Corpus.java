package io.jlvs.core.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed inputs a fuzz property mutates: the files of {@code src/test/resources/fuzz/NAME/}
 * of the module under test, in name order. Text files are read as UTF-8; {@code .hex} files
 * hold bytes as hex digits, with {@code #} comments and any white space between them.
 */
public final class Corpus {
    private Corpus() {
    }

    /** The files of {@code fuzz/name} as text. */
    public static List<String> texts(String name) {
        List<String> texts = new ArrayList<>();
        for (Path file : files(name)) {
            texts.add(read(file));
        }
        return List.copyOf(texts);
    }

    /** The {@code .hex} files of {@code fuzz/name} as bytes. */
    public static List<byte[]> hex(String name) {
        List<byte[]> frames = new ArrayList<>();
        for (Path file : files(name)) {
            if (file.toString().endsWith(".hex")) {
                frames.add(parseHex(read(file)));
            }
        }
        return List.copyOf(frames);
    }

    /** Hex digits to bytes, skipping {@code #} comments to the end of their line and white space. */
    public static byte[] parseHex(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n")) {
            int comment = line.indexOf('#');
            digits.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(digits);
    }

    private static List<Path> files(String name) {
        URL url = Thread.currentThread().getContextClassLoader().getResource("fuzz/" + name);
        if (url == null || !url.getProtocol().equals("file")) {
            throw new IllegalStateException("no seed corpus at src/test/resources/fuzz/" + name);
        }
        try (Stream<Path> listing = Files.list(Path.of(url.toURI()))) {
            List<Path> files = listing.filter(Files::isRegularFile).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("the seed corpus fuzz/" + name + " is empty");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
