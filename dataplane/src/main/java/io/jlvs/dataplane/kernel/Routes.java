package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Route lookups through {@code ip -4 -o route get}, cached per address (real servers, gateways)
 * until {@link #refresh} or {@link #clear}. A route without its own MTU gets its interface's.
 * Control path only (forks {@code ip}); thread-safe.
 */
public final class Routes {
    private final CommandRunner runner;
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
        runner.requireTool("ip", "iproute2");
        String text = Ipv4.format(address);
        CommandRunner.Result result = runner.run(List.of("ip", "-4", "-o", "route", "get", text), null);
        if (!result.ok()) {
            throw new KernelCommandException("no route to " + text + " (" + runner + "): " + result.diagnostic());
        }
        String line = result.stdout().lines().filter(l -> !l.isBlank()).findFirst()
                .orElseThrow(() -> new KernelCommandException("'ip route get " + text + "' printed nothing"));
        Route route = Route.parse(line);
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
            link = LinkInfo.query(runner, name);
            links.put(name, link);
        }
        return link;
    }

    /** Forgets every cached route and interface, e.g. after the routing table changed. */
    public void clear() {
        cache.clear();
        links.clear();
    }
}
