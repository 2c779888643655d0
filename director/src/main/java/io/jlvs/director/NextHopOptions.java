package io.jlvs.director;

import io.jlvs.core.net.Ipv4;
import io.jlvs.dataplane.kernel.Mac;
import io.jlvs.dataplane.pipeline.NextHops;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import java.util.List;

/**
 * The {@code --neighbour ADDRESS=MAC[@INTERFACE]} and {@code --gateway MAC[@INTERFACE]} options
 * of jlvsd and {@code jlvs pcap}, read once: fixed neighbours, and the MAC (and interface) for
 * addresses no neighbour entry names, or {@link NextHops#UNKNOWN}.
 *
 * @param neighbours  the {@code --neighbour} entries (no default route)
 * @param gatewayMac  the {@code --gateway} MAC, or {@link NextHops#UNKNOWN}
 * @param gatewayPort its interface's index in {@code global.interfaces}
 */
public record NextHopOptions(StaticNextHops neighbours, long gatewayMac, int gatewayPort) {

    /**
     * Reads the options against the data-plane interfaces (an {@code @INTERFACE} must be one of them).
     *
     * @throws IllegalArgumentException naming the entry that is malformed
     */
    public static NextHopOptions parse(List<String> neighbours, String gateway, List<String> interfaces) {
        StaticNextHops hops = new StaticNextHops();
        for (String entry : neighbours) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--neighbour " + entry + ": expected ADDRESS=MAC[@INTERFACE]");
            }
            String[] macAndPort = entry.substring(eq + 1).split("@", 2);
            hops.neighbour(Ipv4.parse(entry.substring(0, eq)), Mac.parse(macAndPort[0]),
                    portIndex(interfaces, macAndPort, entry));
        }
        if (gateway == null) {
            return new NextHopOptions(hops, NextHops.UNKNOWN, 0);
        }
        String[] macAndPort = gateway.split("@", 2);
        return new NextHopOptions(hops, Mac.parse(macAndPort[0]), portIndex(interfaces, macAndPort, gateway));
    }

    /** The neighbours, with the gateway (if any) as the default route: next hops without a kernel. */
    public StaticNextHops withGatewayAsDefault() {
        return gatewayMac == NextHops.UNKNOWN ? neighbours : neighbours.defaultRoute(gatewayMac, gatewayPort);
    }

    private static int portIndex(List<String> interfaces, String[] macAndPort, String entry) {
        if (macAndPort.length < 2) {
            return 0;
        }
        int index = interfaces.indexOf(macAndPort[1]);
        if (index < 0) {
            throw new IllegalArgumentException(entry + ": interface " + macAndPort[1]
                    + " is not one of global.interfaces " + interfaces);
        }
        return index;
    }
}
