package io.jlvs.dataplane.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Route lookups through rtnetlink ({@link RtNetlink#route}, what {@code ip route get} asks),
 * cached per address (real servers, gateways) until {@link #refresh} or {@link #clear}. A route
 * without its own MTU gets its interface's. Control path only; thread-safe.
 */
public final class Routes implements AutoCloseable {
    private final CommandRunner runner;
    private volatile RtNetlink netlink;
    private final Map<Integer, Route> cache = new ConcurrentHashMap<>();
    private final Map<String, LinkInfo> links = new ConcurrentHashMap<>();

    /** Lookups in the runner's namespace. */
    public Routes(CommandRunner runner) {
        this.runner = runner;
    }

    /** The cached route to {@code address} (host byte order), looked up on first use. */
    public Route lookup(int address) {
        Route route = cache.get(address);
        return route != null ? route : refresh(address);
    }

    /**
     * Asks the kernel again for the route to {@code address} and caches the answer.
     *
     * @throws KernelCommandException naming the address and the kernel's reason when there is
     *         no route (e.g. {@code Network is unreachable})
     */
    public Route refresh(int address) {
        Route route = netlink().route(address);
        if (route.mtuBytes() == 0) {
            route = route.withMtu(link(route.interfaceName(), false).mtuBytes());
        }
        cache.put(address, route);
        return route;
    }

    /** The interface {@code name} (index, MAC, MTU), cached; {@code refresh} asks again. */
    public LinkInfo link(String name, boolean refresh) {
        LinkInfo link = refresh ? null : links.get(name);
        if (link == null) {
            link = netlink().link(name);
            links.put(name, link);
        }
        return link;
    }

    /** The rtnetlink socket of the runner's namespace, opened on first use. */
    public RtNetlink netlink() {
        RtNetlink n = netlink;
        if (n == null) {
            synchronized (this) {
                n = netlink;
                if (n == null) {
                    n = RtNetlink.open(runner);
                    netlink = n;
                }
            }
        }
        return n;
    }

    /** Closes the rtnetlink socket, if one was opened. */
    @Override
    public synchronized void close() {
        if (netlink != null) {
            netlink.close();
            netlink = null;
        }
    }

    /** Forgets every cached route and interface, e.g. after the routing table changed. */
    public void clear() {
        cache.clear();
        links.clear();
    }
}
