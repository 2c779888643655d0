package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import java.util.Set;

/**
 * The kernel's route to one IPv4 address, as {@code ip -4 -o route get ADDR} reports it.
 *
 * <pre>
 * 10.88.0.5 via 10.77.0.2 dev eth1 src 10.77.0.1 uid 0 \    cache mtu 1400
 * 10.77.0.2 dev eth1 src 10.77.0.1 uid 0 \    cache
 * local 10.77.0.1 dev lo src 10.77.0.1 uid 0 \    cache &lt;local&gt;
 * </pre>
 *
 * @param destination    the address looked up, host byte order
 * @param type           {@code unicast}, or the route type the line starts with ({@code local},
 *                       {@code broadcast}, {@code multicast}...)
 * @param interfaceName  the output interface
 * @param gateway        the next-hop router, host byte order; 0 when on-link
 * @param source         the preferred source address, host byte order; 0 when none is given
 * @param mtuBytes       the route MTU in bytes, or 0 when the route sets none (the interface's
 *                       MTU applies; {@link Routes} fills it in)
 */
public record Route(int destination, String type, String interfaceName, int gateway, int source, int mtuBytes) {
    private static final Set<String> TYPES = Set.of("unicast", "local", "broadcast", "multicast", "anycast",
            "unreachable", "prohibit", "blackhole", "throw", "nat");

    /** Whether the destination is on a directly connected network (no {@code via}). */
    public boolean isOnLink() {
        return gateway == 0;
    }

    /** Whether the destination is one of this host's own addresses. */
    public boolean isLocal() {
        return type.equals("local");
    }

    /** The address whose MAC a frame to {@link #destination} needs: the gateway, or the destination on-link. */
    public int nextHop() {
        return gateway != 0 ? gateway : destination;
    }

    /** This route with {@code mtuBytes} in place of its own. */
    public Route withMtu(int mtu) {
        return new Route(destination, type, interfaceName, gateway, source, mtu);
    }

    /**
     * Parses one line of {@code ip -4 -o route get} output; keys it does not know are skipped.
     *
     * @throws KernelCommandException when the line has no destination address or no {@code dev}
     */
    public static Route parse(String line) {
        String[] tokens = line.strip().split("\\s+");
        int i = 0;
        String type = "unicast";
        if (tokens.length > 0 && TYPES.contains(tokens[0])) {
            type = tokens[0];
            i++;
        }
        if (i >= tokens.length || !Ipv4.isValid(tokens[i])) {
            throw new KernelCommandException("cannot understand 'ip route get' output: '" + line.strip() + "'");
        }
        int destination = Ipv4.parse(tokens[i++]);
        String device = null;
        int gateway = 0;
        int source = 0;
        int mtu = 0;
        for (; i < tokens.length - 1; i++) {
            switch (tokens[i]) {
                case "via" -> {
                    if (tokens[i + 1].equals("inet") && i + 2 < tokens.length) {
                        i++;
                    }
                    gateway = address(tokens[++i], line);
                }
                case "dev" -> device = tokens[++i];
                case "src" -> source = address(tokens[++i], line);
                case "mtu" -> {
                    if (tokens[i + 1].equals("lock") && i + 2 < tokens.length) {
                        i++;
                    }
                    mtu = parseCount(tokens[++i], line);
                }
                default -> {
                }
            }
        }
        if (device == null) {
            throw new KernelCommandException("no 'dev' in 'ip route get' output: '" + line.strip() + "'");
        }
        return new Route(destination, type, device, gateway, source, mtu);
    }

    private static int address(String token, String line) {
        if (!Ipv4.isValid(token)) {
            throw new KernelCommandException("'" + token + "' is not an IPv4 address in 'ip route get' output: '"
                    + line.strip() + "'");
        }
        return Ipv4.parse(token);
    }

    static int parseCount(String token, String line) {
        try {
            int value = Integer.parseInt(token);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new KernelCommandException("'" + token + "' is not a count in '" + line.strip() + "'");
    }

    @Override
    public String toString() {
        return (type.equals("unicast") ? "" : type + " ") + Ipv4.format(destination)
                + (gateway != 0 ? " via " + Ipv4.format(gateway) : "") + " dev " + interfaceName
                + (source != 0 ? " src " + Ipv4.format(source) : "") + " mtu " + mtuBytes;
    }
}
