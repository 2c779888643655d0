package io.jlvs.config.yaml;

import java.util.Collection;
import java.util.Locale;

/**
 * Finds the known word an operator most likely meant: the closest by optimal string
 * alignment distance (a swap of two neighbours counts once), or the one equal after
 * ignoring case, dashes and underscores.
 */
final class Suggestions {
    private Suggestions() {
    }

    /** The closest candidate, or {@code null} when none is close enough to be a typo. */
    static String closest(String word, Collection<String> candidates) {
        String normalized = normalize(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (normalize(candidate).equals(normalized)) {
                return candidate;
            }
            int distance = distance(word.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        if (best == null) {
            return null;
        }
        int allowed = Math.min(word.length(), best.length()) <= 4 ? 1 : 2;
        return bestDistance <= allowed ? best : null;
    }

    /** {@code " (did you mean 'weight'?)"} for a guess, or an empty string for none. */
    static String didYouMean(String guess) {
        return guess == null ? "" : " (did you mean '" + guess + "'?)";
    }

    private static String normalize(String word) {
        return word.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int value = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    value = Math.min(value, d[i - 2][j - 2] + 1);
                }
                d[i][j] = value;
            }
        }
        return d[a.length()][b.length()];
    }
}
