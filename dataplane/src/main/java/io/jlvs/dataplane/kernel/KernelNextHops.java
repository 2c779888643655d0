package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import io.jlvs.dataplane.pipeline.NextHops;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.agrona.collections.Long2LongHashMap;

/**
 * Next hops from the kernel's tables: the route to an address gives the next-hop address (the
 * address itself on-link, else the gateway) and the data-plane interface, the neighbour snapshot
 * gives its MAC.
 *
 * <p>Addresses known in advance (real servers) are pinned to the kernel's own answer for them
 * ({@code ip route get}, see {@link #update}); every other address (clients) is matched, longest
 * prefix first, against the main routing table's routes out of the data-plane interfaces
 * ({@code ip -4 -o route show table main}, {@link RouteTable}). Command-line overrides come
 * first: a {@code --neighbour} entry for the address or its next hop, then the kernel, then a
 * {@code --gateway} for what the kernel does not know.
 *
 * <p>Workers call {@link #macOf}, {@link #portOf} and {@link #missing}: they read one volatile
 * reference, allocate nothing and take no lock. {@link #update} (control thread) swaps in new
 * tables as a whole.
 */
public final class KernelNextHops implements NextHops {
    private static final long NONE = -1L;

    private final Supplier<NeighbourSnapshot> neighbours;
    private final IntConsumer missingReport;
    private final StaticNextHops overrides;
    private final long gatewayMac;
    private final int gatewayPort;
    private volatile Tables tables = new Tables(new Long2LongHashMap(NONE), RouteTable.EMPTY);

    /** One consistent view: pinned addresses and the route table. */
    private record Tables(Long2LongHashMap pinned, RouteTable routes) {
    }

    /**
     * @param neighbours    the current neighbour snapshot (e.g. {@code NeighbourTable::snapshot})
     * @param missingReport told the next hop whose MAC is missing (e.g. {@code NeighbourTable::reportMissing})
     * @param overrides     fixed neighbours from the command line, consulted first (no default route)
     * @param gatewayMac    the MAC for addresses the kernel gives no next hop for, or {@link #UNKNOWN}
     * @param gatewayPort   its interface index
     */
    public KernelNextHops(Supplier<NeighbourSnapshot> neighbours, IntConsumer missingReport,
            StaticNextHops overrides, long gatewayMac, int gatewayPort) {
        this.neighbours = neighbours;
        this.missingReport = missingReport;
        this.overrides = overrides;
        this.gatewayMac = gatewayMac;
        this.gatewayPort = gatewayPort;
    }

    /**
     * Control thread: replaces the tables.
     *
     * @param routes     the routes out of the data-plane interfaces
     * @param pinned     routes of known addresses (host byte order keys), e.g. from {@link Routes#lookup}
     * @param interfaces the data-plane interfaces in port order; routes out of others are left out
     * @return the pinned addresses left out (local, or routed out of another interface), as messages
     */
    public List<String> update(RouteTable routes, Map<Integer, Route> pinned, List<String> interfaces) {
        Long2LongHashMap map = new Long2LongHashMap(Math.max(8, pinned.size() * 2), 0.5f, NONE);
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<Integer, Route> e : pinned.entrySet()) {
            Route route = e.getValue();
            int port = interfaces.indexOf(route.interfaceName());
            if (route.isLocal() || port < 0) {
                skipped.add(Ipv4.format(e.getKey()) + ": route " + route + (route.isLocal() ? " is local"
                        : " leaves by " + route.interfaceName() + ", not a data-plane interface " + interfaces));
                continue;
            }
            map.put(e.getKey() & 0xFFFF_FFFFL, (long) port << 32 | (route.nextHop() & 0xFFFF_FFFFL));
        }
        tables = new Tables(map, routes);
        return skipped;
    }

    /** The next-hop entry ({@code port << 32 | address}) towards {@code address}, or {@link #NONE}. */
    private long hop(int address) {
        Tables t = tables;
        long pinned = t.pinned().get(address & 0xFFFF_FFFFL);
        if (pinned != NONE) {
            return pinned;
        }
        RouteTable routes = t.routes();
        int i = routes.match(address);
        if (i < 0) {
            return NONE;
        }
        int gateway = routes.gateway(i);
        return (long) routes.port(i) << 32 | ((gateway != 0 ? gateway : address) & 0xFFFF_FFFFL);
    }

    @Override
    public long macOf(int address) {
        long mac = overrides.macOf(address);
        if (mac != UNKNOWN) {
            return mac;
        }
        long hop = hop(address);
        if (hop != NONE) {
            int next = (int) hop;
            mac = overrides.macOf(next);
            if (mac == UNKNOWN) {
                mac = neighbours.get().mac(next);
            }
            if (mac != NeighbourSnapshot.NO_MAC) {
                return mac;
            }
        }
        return gatewayMac;
    }

    @Override
    public int portOf(int address) {
        if (overrides.macOf(address) != UNKNOWN) {
            return overrides.portOf(address);
        }
        long hop = hop(address);
        if (hop != NONE) {
            int next = (int) hop;
            if (overrides.macOf(next) != UNKNOWN) {
                return overrides.portOf(next);
            }
            if (neighbours.get().mac(next) != NeighbourSnapshot.NO_MAC) {
                return (int) (hop >>> 32);
            }
        }
        return gatewayPort;
    }

    @Override
    public void missing(int address) {
        long hop = hop(address);
        if (hop != NONE) {
            missingReport.accept((int) hop);
        }
    }

    /** The next-hop address towards {@code address}, or 0 when no route is known. Control side, for messages. */
    public int nextHopAddress(int address) {
        long hop = hop(address);
        return hop == NONE ? 0 : (int) hop;
    }
}
