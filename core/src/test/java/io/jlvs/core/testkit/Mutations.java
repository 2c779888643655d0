package io.jlvs.core.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutators for fuzz properties: each takes a valid seed input and applies one to four random
 * edits of the kinds that break parsers (a flipped bit, a boundary value, a cut, a splice with
 * another seed, a repeated range, a word from the format's dictionary), or makes an input from
 * nothing. Outputs stay within the size given, so a run's memory and time stay bounded.
 */
public final class Mutations {
    /** Byte values that sit on boundaries. */
    private static final int[] BYTES = {0x00, 0x01, 0x04, 0x05, 0x06, 0x0F, 0x11, 0x40, 0x45, 0x7F, 0x80, 0xFF};
    /** 16-bit values that sit on boundaries or are header words (EtherTypes, lengths). */
    private static final int[] WORDS = {0x0000, 0x0001, 0x0008, 0x0014, 0x7FFF, 0x8000, 0xFFFF, 0xFFFE, 0x0800,
        0x0806, 0x8100, 0x88A8, 0x86DD, 0x05DC, 0x05DD, 0x2000, 0x3FFF};
    /** Characters that trouble text parsers. */
    private static final String[] CHARACTERS = {"\n", "\r\n", "\t", " ", "\0", "\u00a0", "\u2028", "\ufeff",
        "\ud83d\ude00", "\ud800", "\\", "\"", "'", "#", ":", "-", ",", "=", "{", "}", "[", "]", "%", "\u0085"};
    /** Words that trouble any parser of numbers or names. */
    private static final String[] VALUES = {"0", "-1", "-0", "1e9", "0x10", "65535", "65536", "2147483647",
        "2147483648", "-2147483649", "9223372036854775808", "99999999999999999999", "NaN", "Infinity", "null",
        "true", "", "256.0.0.1", "1.2.3", "::1", "1.2.3.4:", ":80", "1.2.3.4:0", "1.2.3.4:65536", "eth0:1"};

    private Mutations() {
    }

    /** One to four edits of {@code seed}, no longer than {@code maxBytes}. */
    public static byte[] bytes(SplittableRandom random, byte[] seed, List<byte[]> corpus, int maxBytes) {
        byte[] data = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            data = edit(random, data, corpus, maxBytes);
        }
        return data.length > maxBytes ? Arrays.copyOf(data, maxBytes) : data;
    }

    private static byte[] edit(SplittableRandom random, byte[] data, List<byte[]> corpus, int maxBytes) {
        int n = data.length;
        switch (random.nextInt(10)) {
            case 0 -> {
                if (n > 0) {
                    data[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                if (n > 0) {
                    data[random.nextInt(n)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> {
                if (n > 0) {
                    data[random.nextInt(n)] = (byte) BYTES[random.nextInt(BYTES.length)];
                }
            }
            case 3 -> {
                if (n > 1) {
                    int at = random.nextInt(n - 1);
                    int word = WORDS[random.nextInt(WORDS.length)];
                    data[at] = (byte) (word >>> 8);
                    data[at + 1] = (byte) word;
                }
            }
            case 4 -> {
                return Arrays.copyOf(data, n == 0 ? 0 : random.nextInt(n));
            }
            case 5 -> {
                if (n > 0) {
                    int from = random.nextInt(n);
                    int to = from + random.nextInt(n - from + 1);
                    return concat(Arrays.copyOf(data, from), Arrays.copyOfRange(data, to, n));
                }
            }
            case 6 -> {
                byte[] inserted = new byte[1 + random.nextInt(16)];
                random.nextBytes(inserted);
                int at = random.nextInt(n + 1);
                return limit(concat(concat(Arrays.copyOf(data, at), inserted), Arrays.copyOfRange(data, at, n)),
                        maxBytes);
            }
            case 7 -> {
                if (n > 0) {
                    int from = random.nextInt(n);
                    int to = from + 1 + random.nextInt(Math.min(64, n - from));
                    byte[] range = Arrays.copyOfRange(data, from, to);
                    return limit(concat(concat(Arrays.copyOf(data, to), range), Arrays.copyOfRange(data, to, n)),
                            maxBytes);
                }
            }
            case 8 -> {
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int cut = random.nextInt(Math.min(n, other.length) + 1);
                return limit(concat(Arrays.copyOf(data, cut), Arrays.copyOfRange(other, cut, other.length)), maxBytes);
            }
            default -> {
                byte[] tail = new byte[1 + random.nextInt(64)];
                random.nextBytes(tail);
                return limit(concat(data, tail), maxBytes);
            }
        }
        return data;
    }

    /** Up to {@code maxBytes} random bytes. */
    public static byte[] randomBytes(SplittableRandom random, int maxBytes) {
        byte[] bytes = new byte[random.nextInt(maxBytes + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * One to four edits of {@code seed} (characters, words of {@code dictionary}, lines, ranges
     * repeated to nest deeply), no longer than {@code maxChars}.
     */
    public static String text(SplittableRandom random, String seed, List<String> corpus, List<String> dictionary,
            int maxChars) {
        String text = seed;
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            text = edit(random, text, corpus, dictionary, maxChars);
        }
        return text.length() > maxChars ? text.substring(0, maxChars) : text;
    }

    private static String edit(SplittableRandom random, String text, List<String> corpus, List<String> dictionary,
            int maxChars) {
        int n = text.length();
        int at = random.nextInt(n + 1);
        switch (random.nextInt(11)) {
            case 0 -> {
                int to = at + random.nextInt(Math.min(32, n - at) + 1);
                return text.substring(0, at) + text.substring(to);
            }
            case 1 -> {
                return text.substring(0, at) + pick(random, dictionary) + text.substring(at);
            }
            case 2 -> {
                return text.substring(0, at) + CHARACTERS[random.nextInt(CHARACTERS.length)] + text.substring(at);
            }
            case 3 -> {
                return text.substring(0, at) + VALUES[random.nextInt(VALUES.length)] + text.substring(at);
            }
            case 4 -> {
                return String.join("\n", lineEdit(random, new ArrayList<>(List.of(text.split("\n", -1)))));
            }
            case 5 -> {
                return replaceWord(random, text, random.nextBoolean() ? pick(random, dictionary)
                        : VALUES[random.nextInt(VALUES.length)]);
            }
            case 6 -> {
                String other = corpus.get(random.nextInt(corpus.size()));
                int cut = random.nextInt(other.length() + 1);
                return text.substring(0, at) + other.substring(cut);
            }
            case 7 -> {
                if (n == 0) {
                    return text;
                }
                int from = Math.min(at, n - 1);
                int to = from + 1 + random.nextInt(Math.min(16, n - from));
                String range = text.substring(from, to);
                int times = 2 + random.nextInt(Math.max(2, (maxChars - n) / range.length() / 4 + 1));
                return text.substring(0, to) + range.repeat(Math.min(times, 5_000)) + text.substring(to);
            }
            case 8 -> {
                return text.substring(0, at) + (char) random.nextInt(0x20, 0x7F) + text.substring(at);
            }
            case 9 -> {
                String lines = String.join("\n", Arrays.stream(text.split("\n", -1))
                        .map(line -> random.nextInt(4) == 0 ? " ".repeat(random.nextInt(6)) + line.strip() : line)
                        .toList());
                return lines;
            }
            default -> {
                return text.substring(0, at) + (char) random.nextInt(0x10000) + text.substring(at);
            }
        }
    }

    private static List<String> lineEdit(SplittableRandom random, List<String> lines) {
        int i = random.nextInt(lines.size());
        switch (random.nextInt(4)) {
            case 0 -> lines.remove(i);
            case 1 -> lines.add(i, lines.get(i));
            case 2 -> {
                int j = random.nextInt(lines.size());
                String line = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, line);
            }
            default -> lines.add(random.nextInt(lines.size() + 1), lines.get(random.nextInt(lines.size())));
        }
        return lines;
    }

    private static String replaceWord(SplittableRandom random, String text, String word) {
        String[] words = text.split("(?<=\\s)|(?=\\s)", -1);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            if (!words[i].isBlank()) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return text + word;
        }
        words[candidates.get(random.nextInt(candidates.size()))] = word;
        return String.join("", words);
    }

    /** Text of up to {@code maxChars} built from {@code dictionary} words, values and characters. */
    public static String randomText(SplittableRandom random, List<String> dictionary, int maxChars) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(64);
        for (int i = 0; i < pieces && text.length() < maxChars; i++) {
            switch (random.nextInt(4)) {
                case 0 -> text.append(pick(random, dictionary));
                case 1 -> text.append(VALUES[random.nextInt(VALUES.length)]);
                case 2 -> text.append(CHARACTERS[random.nextInt(CHARACTERS.length)]);
                default -> text.append((char) random.nextInt(0x20, 0x7F));
            }
        }
        return text.length() > maxChars ? text.substring(0, maxChars) : text.toString();
    }

    /**
     * One to four edits of an argument vector: a word dropped, repeated, swapped, replaced by a
     * {@code dictionary} word or a bad value, or its characters edited.
     */
    public static List<String> words(SplittableRandom random, List<String> seed, List<String> dictionary) {
        List<String> words = new ArrayList<>(seed);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int i = words.isEmpty() ? 0 : random.nextInt(words.size());
            switch (random.nextInt(7)) {
                case 0 -> {
                    if (!words.isEmpty()) {
                        words.remove(i);
                    }
                }
                case 1 -> {
                    if (!words.isEmpty()) {
                        words.add(i, words.get(i));
                    }
                }
                case 2 -> {
                    if (words.size() > 1) {
                        int j = random.nextInt(words.size());
                        String word = words.get(i);
                        words.set(i, words.get(j));
                        words.set(j, word);
                    }
                }
                case 3 -> words.add(random.nextInt(words.size() + 1), pick(random, dictionary));
                case 4 -> words.add(random.nextInt(words.size() + 1), VALUES[random.nextInt(VALUES.length)]);
                case 5 -> {
                    if (!words.isEmpty()) {
                        words.set(i, edit(random, words.get(i), List.of(words.get(i)), dictionary, 64));
                    }
                }
                default -> {
                    if (!words.isEmpty()) {
                        words.set(i, pick(random, dictionary));
                    }
                }
            }
        }
        return words;
    }

    private static String pick(SplittableRandom random, List<String> dictionary) {
        return dictionary.isEmpty() ? "" : dictionary.get(random.nextInt(dictionary.size()));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] limit(byte[] data, int maxBytes) {
        return data.length > maxBytes ? Arrays.copyOf(data, maxBytes) : data;
    }
}
