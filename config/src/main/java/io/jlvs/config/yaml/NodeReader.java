package io.jlvs.config.yaml;

import io.jlvs.config.ConfigError;
import io.jlvs.core.net.Ipv4;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads typed values out of a composed YAML node tree and collects every error with its
 * line and path. Each reader returns {@code null} (an empty {@code OptionalInt} or
 * {@code OptionalLong} for a number) after recording an error, so one bad value never hides
 * the next.
 */
final class NodeReader {
    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    NodeReader(String file) {
        this.file = file;
    }

    /** The 1-based line where the node starts, 0 when unknown. */
    static int line(Node node) {
        return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    }

    void error(Node at, String path, String message) {
        error(line(at), path, message);
    }

    void error(int line, String path, String message) {
        errors.add(new ConfigError(file, line, path, message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The errors so far, ordered by line (stable for errors on the same line). */
    List<ConfigError> errors() {
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ConfigError::line));
        return sorted;
    }

    /** How a node reads in a message: {@code the string "80"}, {@code a list}... */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return "no value";
        }
        if (Tag.BOOL.equals(tag)) {
            return "the boolean " + scalar.getValue();
        }
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
            String v = scalar.getValue();
            return "the number " + (v.length() <= MAX_QUOTED ? v
                    : v.substring(0, MAX_QUOTED) + "... (" + v.length() + " characters)");
        }
        return "the string " + quoted(scalar.getValue());
    }

    /** Most characters of a value quoted in a message. */
    static final int MAX_QUOTED = 60;

    /** {@code "value"}, or for a long one {@code "its first 60 characters..." (N characters)}. */
    static String quoted(String value) {
        return value.length() <= MAX_QUOTED ? "\"" + value + "\""
                : "\"" + value.substring(0, MAX_QUOTED) + "...\" (" + value.length() + " characters)";
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /**
     * The keys of a mapping, checked: keys must be names, not repeated, and among
     * {@code known}; the {@code required} ones must be present (unless an unknown key
     * already points to one as a likely typo, or a merge key was refused). Returns {@code null} when the node is not a
     * mapping.
     */
    Fields fields(Node node, String path, String what, List<String> known, List<String> required) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, path, "expected " + what + " (a mapping with keys " + String.join(", ", known)
                    + "), got " + describe(node));
            return null;
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        Set<String> suggested = new HashSet<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                error(keyNode, path, "a key must be a name, got " + describe(keyNode)
                        + "; known keys here: " + String.join(", ", known));
                continue;
            }
            String key = scalarKey.getValue();
            String keyPath = child(path, key);
            if ("<<".equals(key)) {
                error(keyNode, keyPath, "merge keys (<<) are not supported; write the keys out");
                suggested.addAll(known);
                continue;
            }
            if (!known.contains(key)) {
                String guess = Suggestions.closest(key, known);
                if (guess != null) {
                    suggested.add(guess);
                }
                error(keyNode, keyPath, "unknown key '" + key + "'" + Suggestions.didYouMean(guess)
                        + "; known keys here: " + String.join(", ", known));
                continue;
            }
            NodeTuple first = entries.get(key);
            if (first != null) {
                error(keyNode, keyPath, "duplicate key '" + key + "' (first at line "
                        + line(first.getKeyNode()) + "); keep only one");
                continue;
            }
            entries.put(key, tuple);
        }
        for (String key : required) {
            if (!entries.containsKey(key) && !suggested.contains(key)) {
                error(node, path, "missing key '" + key + "' in " + what);
            }
        }
        return new Fields(entries, suggested);
    }

    /** A list's items, or {@code null} after an error when the node is not a list. */
    List<Node> sequence(Node node, String path, String what) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        error(node, path, "expected " + what + " (a list), got " + describe(node));
        return null;
    }

    /** An integer in {@code min..max}, or empty after an error. */
    OptionalLong integer(Node node, String path, long min, long max, String unit) {
        String range = min + ".." + max + (unit.isEmpty() ? "" : " " + unit);
        if (!(node instanceof ScalarNode scalar) || !Tag.INT.equals(node.getTag())) {
            error(node, path, "expected an integer " + range + ", got " + describe(node));
            return OptionalLong.empty();
        }
        BigInteger value;
        try {
            value = new BigInteger(scalar.getValue());
        } catch (NumberFormatException e) {
            // Only a value tagged !!int by hand gets here: the schema resolves nothing else to an integer.
            error(node, path, "expected an integer " + range + ", got " + quoted(scalar.getValue()) + " tagged !!int");
            return OptionalLong.empty();
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            error(node, path, "must be " + range + ", was " + value);
            return OptionalLong.empty();
        }
        return OptionalLong.of(value.longValue());
    }

    /** An integer in {@code min..max} as an {@code int}, or empty after an error. */
    OptionalInt intValue(Node node, String path, int min, int max, String unit) {
        OptionalLong value = integer(node, path, min, max, unit);
        return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }

    /** A string scalar, or {@code null} after an error naming what was expected. */
    String text(Node node, String path, String expected) {
        if (node instanceof ScalarNode scalar && Tag.STR.equals(node.getTag())) {
            return scalar.getValue();
        }
        error(node, path, "expected " + expected + ", got " + describe(node));
        return null;
    }

    /** An IPv4 address in host byte order, or empty after an error. */
    OptionalInt ipv4(Node node, String path, String what) {
        String expected = what + " (an IPv4 address such as 192.168.10.100)";
        if (node instanceof ScalarNode scalar && !isNull(node) && !(node.getTag().equals(Tag.BOOL))) {
            String value = scalar.getValue();
            if (Ipv4.isValid(value)) {
                return OptionalInt.of(Ipv4.parse(value));
            }
            error(node, path, "not an IPv4 address: '" + value + "'; expected " + expected);
            return OptionalInt.empty();
        }
        error(node, path, "expected " + expected + ", got " + describe(node));
        return OptionalInt.empty();
    }

    /** {@code parent.key}, or {@code key} at the top. */
    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code parent[index]}. */
    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The checked entries of one mapping. */
    static final class Fields {
        private final Map<String, NodeTuple> entries;
        private final Set<String> suggested;

        Fields(Map<String, NodeTuple> entries, Set<String> suggested) {
            this.entries = entries;
            this.suggested = suggested;
        }

        /**
         * Whether a missing {@code key} is already explained: an unknown key of this mapping
         * was reported as its likely typo, or the mapping has a refused merge key.
         */
        boolean isSuggested(String key) {
            return suggested.contains(key);
        }

        boolean has(String key) {
            return entries.containsKey(key);
        }

        /** The value node, or {@code null} when the key is absent. */
        Node value(String key) {
            NodeTuple tuple = entries.get(key);
            return tuple == null ? null : tuple.getValueNode();
        }
    }
}
