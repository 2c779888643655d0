package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unicast routes of the main table that leave by the data-plane interfaces, for a
 * longest-prefix match per packet, read through rtnetlink ({@link RtNetlink#mainRoutes}); the
 * same table can be given as {@code ip -4 -o route show table main} text ({@link #parse}):
 * <pre>
 * default via 192.168.188.200 dev eth0
 * 192.168.188.0/24 dev eth0 proto kernel scope link src 192.168.188.8
 * </pre>
 * Routes of another type ({@code blackhole}, {@code unreachable}...), out of other interfaces,
 * or with several next hops are left out. Immutable; {@link #match} neither allocates nor locks.
 */
public final class RouteTable {
    /** No routes. */
    public static final RouteTable EMPTY = new RouteTable(new int[0], new int[0], new int[0], new int[0]);

    private final int[] prefixes;
    private final int[] masks;
    private final int[] gateways;
    private final int[] ports;

    private RouteTable(int[] prefixes, int[] masks, int[] gateways, int[] ports) {
        this.prefixes = prefixes;
        this.masks = masks;
        this.gateways = gateways;
        this.ports = ports;
    }

    private record Entry(int prefix, int length, int gateway, int port) {
    }

    /**
     * Reads the main table through {@code netlink}, keeping the unicast routes out of
     * {@code interfaces} (their index is the route's port); an interface that does not exist
     * keeps none.
     */
    public static RouteTable query(RtNetlink netlink, List<String> interfaces) {
        Map<Integer, Integer> portOfIndex = new HashMap<>();
        for (int port = 0; port < interfaces.size(); port++) {
            try {
                portOfIndex.put(netlink.link(interfaces.get(port)).index(), port);
            } catch (KernelCommandException gone) {
                // An interface that went away routes nothing; the data plane reports it elsewhere.
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (RtNetlink.RouteEntry route : netlink.mainRoutes()) {
            Integer port = portOfIndex.get(route.interfaceIndex());
            if (route.type() == RtNetlink.RTN_UNICAST && port != null) {
                entries.add(new Entry(route.prefix() & mask(route.length()), route.length(), route.gateway(), port));
            }
        }
        return of(entries);
    }

    /** Parses route lines, keeping those out of {@code interfaces} (their index is the route's port). */
    public static RouteTable parse(String text, List<String> interfaces) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] tokens = line.strip().split("\\s+");
            if (tokens.length < 3) {
                continue;
            }
            int prefix;
            int length;
            if (tokens[0].equals("default")) {
                prefix = 0;
                length = 0;
            } else {
                String[] parts = tokens[0].split("/", 2);
                if (!Ipv4.isValid(parts[0])) {
                    continue;
                }
                try {
                    length = parts.length == 2 ? Integer.parseInt(parts[1]) : 32;
                } catch (NumberFormatException e) {
                    continue;
                }
                if (length < 0 || length > 32) {
                    continue;
                }
                prefix = Ipv4.parse(parts[0]);
            }
            int gateway = 0;
            int port = -1;
            for (int i = 1; i < tokens.length - 1; i++) {
                if (tokens[i].equals("via") && Ipv4.isValid(tokens[i + 1])) {
                    gateway = Ipv4.parse(tokens[i + 1]);
                } else if (tokens[i].equals("dev")) {
                    port = interfaces.indexOf(tokens[i + 1]);
                }
            }
            if (port >= 0) {
                entries.add(new Entry(prefix & mask(length), length, gateway, port));
            }
        }
        return of(entries);
    }

    private static RouteTable of(List<Entry> entries) {
        entries.sort(Comparator.comparingInt(Entry::length).reversed());
        int n = entries.size();
        int[] prefixes = new int[n];
        int[] masks = new int[n];
        int[] gateways = new int[n];
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            prefixes[i] = e.prefix();
            masks[i] = mask(e.length());
            gateways[i] = e.gateway();
            ports[i] = e.port();
        }
        return new RouteTable(prefixes, masks, gateways, ports);
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** The index of the longest prefix holding {@code address} (host byte order), or -1. No allocation. */
    public int match(int address) {
        for (int i = 0; i < prefixes.length; i++) {
            if ((address & masks[i]) == prefixes[i]) {
                return i;
            }
        }
        return -1;
    }

    /** The gateway of route {@code i}, host byte order; 0 when on-link. */
    public int gateway(int i) {
        return gateways[i];
    }

    /** The data-plane interface (port index) of route {@code i}. */
    public int port(int i) {
        return ports[i];
    }

    /** The number of routes kept. */
    public int size() {
        return prefixes.length;
    }
}
