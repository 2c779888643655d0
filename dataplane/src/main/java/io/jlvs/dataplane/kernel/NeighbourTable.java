package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The kernel's IPv4 neighbour table, copied into an immutable {@link NeighbourSnapshot} that
 * workers read through a volatile reference, and refreshed on the control side.
 *
 * <p>The table is read through rtnetlink ({@link RtNetlink#neighbours}); {@link #reload} reads
 * it again, which the owner does whenever the kernel says a neighbour changed
 * ({@link RtNetlink.Changes}), so a new MAC reaches the workers as the kernel learns it.
 *
 * <p>Resolution of a missing entry is left to the kernel: {@link RtNetlink#use} sends
 * {@code RTM_NEWNEIGH} with {@code NTF_USE} (as {@code ip neigh replace ADDR dev DEV use} does),
 * which makes the kernel treat the entry as used, create it if needed and send its own ARP
 * request (or re-probe a stale entry), exactly as when it sends a packet there itself. It sends nothing else to the address and works for any address on a connected
 * network, which a UDP datagram or {@code arping} would not match on both counts. The answer
 * lands in the kernel's table and so in the next snapshot. A worker that finds no MAC calls
 * {@link #reportMissing} (allocation-free); the next {@link #refresh} asks the kernel to resolve
 * it. Addresses given to {@link #watch} (real servers, gateways) are asked for on every refresh,
 * which also keeps their entries from going stale. A worker that prefers to ask itself can send
 * {@link ArpFrames#writeRequest} frames; the kernel does not learn from replies it did not ask
 * for, so that path needs the worker to read the reply.
 *
 * <p>{@link #snapshot()} and {@link #reportMissing} may be called from any thread; the rest is
 * control path (netlink requests, allocates); no process is started.
 */
public final class NeighbourTable {
    private static final System.Logger LOG = System.getLogger(NeighbourTable.class.getName());
    private static final int HINT_SLOTS = 256;

    private final Routes routes;
    private final Set<String> devices;
    private final AtomicIntegerArray missing = new AtomicIntegerArray(HINT_SLOTS);
    private final Set<Integer> watched = ConcurrentHashMap.newKeySet();
    private volatile NeighbourSnapshot snapshot = NeighbourSnapshot.EMPTY;

    /**
     * A table over the kernel of {@code routes}' namespace.
     *
     * @param routes  finds the interface to resolve an address on, and talks to the kernel
     * @param devices the interfaces whose entries to keep (null: every interface)
     */
    public NeighbourTable(Routes routes, Set<String> devices) {
        this.routes = routes;
        this.devices = devices == null ? null : Set.copyOf(devices);
    }

    /** The current snapshot. Any thread; no allocation. */
    public NeighbourSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Notes that {@code address} (host byte order, non-zero) had no MAC, so the next refresh asks
     * the kernel to resolve it. Any thread; no allocation, no lock; a hint may be lost to a
     * colliding one, and the worker reports again on its next miss.
     */
    public void reportMissing(int address) {
        int slot = (address * 0x9E3779B9 >>> 24) & (HINT_SLOTS - 1);
        if (missing.get(slot) != address) {
            missing.lazySet(slot, address);
        }
    }

    /** Keeps {@code address} (a real server or gateway, host byte order) resolved from now on. */
    public void watch(int address) {
        watched.add(address);
    }

    /** Stops keeping {@code address} resolved. */
    public void unwatch(int address) {
        watched.remove(address);
    }

    /**
     * Reads the kernel's table into a new snapshot, then asks the kernel to resolve the
     * addresses reported missing and the watched ones that have no MAC or may have gone stale.
     * Control thread.
     */
    public void refresh() {
        reload();
        Set<Integer> wanted = new LinkedHashSet<>(watched);
        for (int slot = 0; slot < HINT_SLOTS; slot++) {
            int address = missing.getAndSet(slot, 0);
            if (address != 0) {
                wanted.add(address);
            }
        }
        if (!wanted.isEmpty()) {
            resolve(wanted);
        }
    }

    /** Reads the kernel's table into a new snapshot, asking nothing to be resolved. Control thread. */
    public void reload() {
        Set<Integer> indexes = null;
        if (devices != null) {
            indexes = new HashSet<>();
            for (String device : devices) {
                try {
                    indexes.add(routes.link(device, false).index());
                } catch (KernelCommandException gone) {
                    // An interface that went away has no neighbours to keep.
                }
            }
        }
        snapshot = NeighbourSnapshot.of(routes.netlink().neighbours(), indexes);
    }

    /**
     * Asks the kernel to resolve the next hops of {@code addresses} (host byte order: the
     * address itself when on-link, else its gateway) on the interfaces their routes go out of;
     * returns at once, the answers arrive in a later snapshot. Local addresses are skipped,
     * addresses without a route are logged and skipped.
     */
    public void resolve(Set<Integer> addresses) {
        for (int address : addresses) {
            try {
                Route route = routes.lookup(address);
                if (!route.isLocal()) {
                    routes.netlink().use(route.nextHop(), routes.link(route.interfaceName(), false).index());
                }
            } catch (KernelCommandException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot resolve " + Ipv4.format(address) + ": " + e.getMessage());
            }
        }
    }

    /**
     * Resolves next hop {@code address} and waits until the kernel has its MAC (refreshing every 50 ms),
     * for start-up and tests. Control thread.
     *
     * @return the MAC, or {@link NeighbourSnapshot#NO_MAC} if none came within {@code timeout}
     */
    public long awaitMac(int address, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        resolve(Set.of(address));
        while (true) {
            refresh();
            long mac = snapshot.mac(address);
            if (mac != NeighbourSnapshot.NO_MAC || System.nanoTime() - deadline >= 0) {
                return mac;
            }
            Thread.sleep(50);
        }
    }

    /** The addresses currently watched, for diagnostics. */
    public List<Integer> watched() {
        return new ArrayList<>(watched);
    }
}
