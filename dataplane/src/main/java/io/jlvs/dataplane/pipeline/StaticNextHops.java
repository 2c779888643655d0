package io.jlvs.dataplane.pipeline;

import io.jlvs.core.net.Ipv4;
import io.jlvs.dataplane.kernel.Mac;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;

/**
 * A fixed neighbour map: address &rarr; MAC and interface, with an optional default next hop
 * for every other address. Built once, read by workers without locks or allocation; for tests
 * and for a director whose neighbours are given on the command line.
 */
public final class StaticNextHops implements NextHops {
    private final Long2LongHashMap macs = new Long2LongHashMap(UNKNOWN);
    private final Int2IntHashMap ports = new Int2IntHashMap(-1);
    private long defaultMac = UNKNOWN;
    private int defaultPort;

    /**
     * Adds a neighbour (before workers use the map).
     *
     * @param address IPv4 address, host byte order
     * @param mac its MAC, low 48 bits
     * @param port the interface index in the worker's port list
     */
    public StaticNextHops neighbour(int address, long mac, int port) {
        macs.put(address & 0xFFFF_FFFFL, mac);
        ports.put(address, port);
        return this;
    }

    /** Adds a neighbour on port 0, from text: {@code 10.0.0.2} and {@code 02:00:00:00:00:02}. */
    public StaticNextHops neighbour(String address, String mac) {
        return neighbour(Ipv4.parse(address), Mac.parse(mac), 0);
    }

    /** Sets the next hop for addresses without a neighbour entry (a default gateway's MAC). */
    public StaticNextHops defaultRoute(long mac, int port) {
        this.defaultMac = mac;
        this.defaultPort = port;
        return this;
    }

    @Override
    public long macOf(int address) {
        long mac = macs.get(address & 0xFFFF_FFFFL);
        return mac == UNKNOWN ? defaultMac : mac;
    }

    @Override
    public int portOf(int address) {
        int port = ports.get(address);
        return port < 0 ? defaultPort : port;
    }
}
