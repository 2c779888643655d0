package io.jlvs.dataplane.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Receive offloads of a data-plane interface, read with {@code ethtool -k IF} and, when told to,
 * turned off with {@code ethtool -K IF gro off ...}.
 *
 * <p>GRO, hardware GRO and LRO merge frames into super-frames larger than the MTU before the
 * packet taps see them; jlvs cannot forward those as they are and counts them as dropped, so a
 * data-plane interface should run with them off. Checksum offloads are reported for information:
 * frames with partial checksums are completed by the data plane.
 * Control path only; {@code ethtool} must be installed (package {@code ethtool}).
 */
public final class Offloads {
    /** The receive features that merge frames, by their {@code ethtool -K} names, with the {@code -k} names. */
    private static final Map<String, String> MERGING = Map.of(
            "gro", "generic-receive-offload",
            "lro", "large-receive-offload",
            "rx-gro-hw", "rx-gro-hw");
    private static final List<String> MERGING_ORDER = List.of("gro", "lro", "rx-gro-hw");

    private Offloads() {
    }

    /** One feature's state: on or off, and whether the driver lets it change ({@code [fixed]}). */
    public record Feature(boolean on, boolean fixed) {
    }

    /** An interface's features, by their {@code ethtool -k} names. */
    public record Report(String interfaceName, Map<String, Feature> features) {
        /** Copies the map. */
        public Report {
            features = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(features));
        }

        /** Whether {@code name} ({@code ethtool -k} name) is listed and on. */
        public boolean isOn(String name) {
            Feature feature = features.get(name);
            return feature != null && feature.on();
        }

        /** The {@code ethtool -K} names of the frame-merging features that are on (gro, lro, rx-gro-hw). */
        public List<String> mergingOn() {
            List<String> on = new ArrayList<>();
            for (String shortName : MERGING_ORDER) {
                if (isOn(MERGING.get(shortName))) {
                    on.add(shortName);
                }
            }
            return on;
        }

        /** The frame-merging features that are on and can be turned off. */
        List<String> mergingChangeable() {
            List<String> changeable = new ArrayList<>();
            for (String shortName : mergingOn()) {
                if (!features.get(MERGING.get(shortName)).fixed()) {
                    changeable.add(shortName);
                }
            }
            return changeable;
        }

        /** What an operator should read at start: empty when no frame-merging feature is on. */
        public List<String> warnings() {
            List<String> warnings = new ArrayList<>();
            List<String> on = mergingOn();
            if (!on.isEmpty()) {
                warnings.add(String.join(", ", on) + " on for " + interfaceName
                        + ": merged frames larger than the MTU reach jlvs and are dropped; turn it off with 'ethtool -K "
                        + interfaceName + " " + String.join(" off ", on) + " off' or let jlvs do it at start");
            }
            return warnings;
        }

        /** A one-line summary: {@code eth1: gro off, lro off [fixed], rx-checksumming on, tx-checksumming on}. */
        public String summary() {
            StringBuilder out = new StringBuilder(interfaceName).append(':');
            String sep = " ";
            for (String shortName : MERGING_ORDER) {
                sep = appendFeature(out, sep, shortName, features.get(MERGING.get(shortName)));
            }
            for (String name : List.of("rx-checksumming", "tx-checksumming")) {
                sep = appendFeature(out, sep, name, features.get(name));
            }
            return out.toString();
        }

        private static String appendFeature(StringBuilder out, String sep, String name, Feature feature) {
            if (feature == null) {
                return sep;
            }
            out.append(sep).append(name).append(feature.on() ? " on" : " off").append(feature.fixed() ? " [fixed]" : "");
            return ", ";
        }
    }

    /**
     * Turned-off features, turned back on by {@link #close()} (once; later calls do nothing).
     */
    public static final class Change implements AutoCloseable {
        private final CommandRunner runner;
        private final String interfaceName;
        private final List<String> turnedOff;
        private boolean restored;

        Change(CommandRunner runner, String interfaceName, List<String> turnedOff) {
            this.runner = runner;
            this.interfaceName = interfaceName;
            this.turnedOff = List.copyOf(turnedOff);
        }

        /** The {@code ethtool -K} names this change turned off; empty when nothing needed it. */
        public List<String> turnedOff() {
            return turnedOff;
        }

        /** Turns the features back on. */
        @Override
        public synchronized void close() {
            if (restored || turnedOff.isEmpty()) {
                restored = true;
                return;
            }
            restored = true;
            runner.check(command(interfaceName, turnedOff, "on"), null);
        }
    }

    /**
     * Reads the features of {@code interfaceName}.
     *
     * @throws KernelCommandException when ethtool is missing (saying to install it) or fails
     */
    public static Report check(CommandRunner runner, String interfaceName) {
        LinkInfo.checkName(interfaceName);
        runner.requireTool("ethtool", "ethtool");
        return parse(interfaceName, runner.check(List.of("ethtool", "-k", interfaceName), null));
    }

    /**
     * Turns off GRO, LRO and hardware GRO on {@code interfaceName} where they are on and not
     * fixed; close the result on exit to turn them back on.
     */
    public static Change disableMerging(CommandRunner runner, String interfaceName) {
        Report report = check(runner, interfaceName);
        List<String> off = report.mergingChangeable();
        if (!off.isEmpty()) {
            runner.check(command(interfaceName, off, "off"), null);
        }
        return new Change(runner, interfaceName, off);
    }

    private static List<String> command(String interfaceName, List<String> features, String state) {
        List<String> command = new ArrayList<>(List.of("ethtool", "-K", interfaceName));
        for (String feature : features) {
            command.add(feature);
            command.add(state);
        }
        return command;
    }

    /**
     * Parses {@code ethtool -k} output: lines {@code name: on|off [fixed]}, indented sub-features
     * included; the {@code Features for X:} header and lines it cannot read are skipped.
     */
    public static Report parse(String interfaceName, String text) {
        Map<String, Feature> features = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            int colon = stripped.indexOf(':');
            if (colon <= 0 || stripped.startsWith("Features for")) {
                continue;
            }
            String[] value = stripped.substring(colon + 1).strip().split("\\s+");
            if (value.length == 0 || !(value[0].equals("on") || value[0].equals("off"))) {
                continue;
            }
            boolean fixed = value.length > 1 && value[1].equals("[fixed]");
            features.put(stripped.substring(0, colon), new Feature(value[0].equals("on"), fixed));
        }
        return new Report(interfaceName, features);
    }
}
