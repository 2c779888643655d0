package io.jlvs.core.testkit;

import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A small seeded fuzzing harness: runs a property over generated inputs and, on the first
 * input that breaks it, fails with the input, the try and the seed that reproduce it.
 *
 * <pre>{@code
 * List<String> seeds = Corpus.texts("service-file");     // src/test/resources/fuzz/service-file/
 * Fuzz.check("service-file mutated", 10_000,
 *         random -> Mutations.text(random, seeds.get(random.nextInt(seeds.size())), seeds, words, 32_768),
 *         Fuzz::quote,                                      // shows a failing input
 *         yaml -> givesModelOrConfigError(yaml));           // the property: throws when broken
 * }</pre>
 *
 * <p>Every run is reproducible: the seed is {@link #DEFAULT_SEED} unless
 * {@code -Djlvs.fuzz.seed=N} (or {@code random}) says otherwise, and each property draws its
 * inputs from its own stream, derived from the seed and its name. {@code -Djlvs.fuzz.tries=N}
 * runs every property N times instead of its default (a longer session).
 */
public final class Fuzz {
    /** The seed of a build that sets none: CI's runs draw the same inputs every time. */
    public static final long DEFAULT_SEED = 0x6A6C7673L;
    /** The system property that sets the seed: a number, or {@code random}. */
    public static final String SEED_PROPERTY = "jlvs.fuzz.seed";
    /** The system property that sets the tries of every property. */
    public static final String TRIES_PROPERTY = "jlvs.fuzz.tries";
    /** How much of a failing input the failure message shows. */
    private static final int SHOWN_CHARS = 4_000;

    private Fuzz() {
    }

    /** Makes an input from a random stream. */
    @FunctionalInterface
    public interface Generator<T> {
        T next(SplittableRandom random);
    }

    /** A property of one input: returns when it holds, throws (an assertion) when it does not. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Exception;
    }

    /** Shows an input in a failure message. */
    @FunctionalInterface
    public interface Shower<T> {
        String show(T input);
    }

    /**
     * What a run did.
     *
     * @param name      the property
     * @param tries     inputs checked
     * @param seed      the run's seed
     * @param elapsedMs wall time, milliseconds
     */
    public record Report(String name, int tries, long seed, long elapsedMs) {
        /** {@code fuzz yaml: 2000 tries, seed 1785493107, 0 failures, 812 ms}. */
        @Override
        public String toString() {
            return "fuzz " + name + ": " + tries + " tries, seed " + seed + ", 0 failures, " + elapsedMs + " ms";
        }
    }

    /**
     * Checks {@code property} over {@code defaultTries} inputs (or {@code -Djlvs.fuzz.tries}).
     *
     * @throws AssertionError naming the first failing input, its try and the seed
     */
    public static <T> Report check(String name, int defaultTries, Generator<T> generator, Shower<T> shower,
            Property<T> property) {
        long seed = seed();
        int tries = Integer.getInteger(TRIES_PROPERTY, defaultTries);
        SplittableRandom stream = new SplittableRandom(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        long start = System.nanoTime();
        for (int i = 0; i < tries; i++) {
            T input = generator.next(stream.split());
            try {
                property.check(input);
            } catch (Throwable broken) {
                String shown = shower.show(input);
                if (shown.length() > SHOWN_CHARS) {
                    shown = shown.substring(0, SHOWN_CHARS) + "... (" + shown.length() + " chars)";
                }
                throw new AssertionError("fuzz " + name + ": try " + (i + 1) + " of " + tries + " (-D" + SEED_PROPERTY
                        + "=" + seed + ") failed: " + broken + "\ninput: " + shown, broken);
            }
        }
        Report report = new Report(name, tries, seed, (System.nanoTime() - start) / 1_000_000);
        System.out.println(report);
        return report;
    }

    /** The run's seed: {@code -Djlvs.fuzz.seed}, or {@link #DEFAULT_SEED}. */
    public static long seed() {
        String value = System.getProperty(SEED_PROPERTY, "");
        if (value.isBlank()) {
            return DEFAULT_SEED;
        }
        if (value.equals("random")) {
            return Holder.RANDOM_SEED;
        }
        try {
            return Long.decode(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be a number or 'random', was '"
                    + value + "'", e);
        }
    }

    /** One random seed for the whole JVM, so that every property of a run reports the same. */
    private static final class Holder {
        static final long RANDOM_SEED = System.nanoTime();
    }

    /** A string as a Java literal, with control and non-ASCII characters escaped. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Bytes as hex, for a failure message. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
