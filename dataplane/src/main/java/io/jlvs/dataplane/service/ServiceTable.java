package io.jlvs.dataplane.service;

import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFileDiff;
import io.jlvs.config.model.ServiceFileDiff.ServerChange;
import io.jlvs.config.model.ServiceFileDiff.ServiceChange;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.DestinationRegistry;
import io.jlvs.core.conn.TrackedService;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Scheduler;
import io.jlvs.core.time.MonotonicClock;
import io.jlvs.sched.Schedulers;
import io.jlvs.sched.ServiceScheduling;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The running virtual services, changed by the control thread and published to the workers
 * as a {@link ServiceSnapshot} after every change.
 *
 * <p>Each service gets a {@link ServiceScheduling} (its scheduler and newest-first
 * destination list) and one {@link Destination} per real server, registered in the
 * {@link DestinationRegistry} that connection entries refer to. Applying a
 * {@link ServiceFileDiff} keeps the Destination of every server that stays, so its
 * connections and counters carry on: an edited server is changed in place (weight 0
 * quiesces it: no new connections, existing ones keep flowing), a removed one is deleted
 * as {@code ipvsadm -d} does (it stops being AVAILABLE; its connections are then dropped, or
 * expired with {@code expire_nodest_conn}). Like the kernel's trash list, a deleted server is
 * remembered while it has connections and for at least {@link #TRASH_PERIOD_MS} after its
 * deletion: adding the same address and port to the same service again revives that
 * Destination, with its counters, and its connections resume (IPVS-SEMANTICS §2.8). A
 * scheduler or persistence change gives the
 * service a new {@link TrackedService}; the scheduler restarts fresh, as with
 * {@code ipvsadm -E -s}.
 *
 * <p>The capacities bound what is live at once: the running services and servers, and the
 * deleted ones still remembered. A service's index is freed when the service is gone and no
 * remembered server refers to it; a deleted server's index when it leaves the trash. When room
 * is short, deleted servers with no connection leave the trash before their period ends
 * (oldest first): reviving one is then adding it anew. A freed index may serve a new object;
 * the per-worker counters ({@link TrafficCounters}) are never cleared by another thread, so
 * each index keeps a baseline taken when it was handed out, and the stats are counted from it.
 * Mutators are for the control thread (they are synchronized, so a reload and a listing do
 * not interleave); {@link #snapshot()} may be read by any thread.
 */
public final class ServiceTable {
    /** The kernel's {@code IP_VS_DEST_TRASH_PERIOD}: how long a deleted, idle server can still be revived. */
    public static final long TRASH_PERIOD_MS = 120_000;
    /** Fewest services a table from {@link #of} has room for (each costs 40 bytes of counters per worker). */
    public static final int MIN_SERVICES = 4096;
    /** Fewest real servers a table from {@link #of} has room for (each costs 40 bytes of counters per worker). */
    public static final int MIN_SERVERS = 65_536;

    private final DestinationRegistry registry;
    private final int serviceCapacity;
    private final int destinationCapacity;
    private final int[] serviceOfDestination;
    private final List<VirtualService> services = new ArrayList<>();
    private final List<TrafficCounters> counters = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final BitSet serviceIndexes = new BitSet();
    private final long[] serviceBaseline;
    private final long[] destinationBaseline;
    private final Map<TrashKey, Trashed> trash = new HashMap<>();
    private final LongSupplier clockMs;
    private long version;
    private volatile ServiceSnapshot snapshot;

    /**
     * An empty table that can create up to {@code serviceCapacity} services and
     * {@code destinationCapacity} real servers at once (deleted ones it still remembers included).
     */
    public ServiceTable(int serviceCapacity, int destinationCapacity) {
        this(serviceCapacity, destinationCapacity, MonotonicClock.SYSTEM::nowMs);
    }

    /** As {@link #ServiceTable(int, int)}, with the monotonic clock (milliseconds) the trash period is measured on. */
    ServiceTable(int serviceCapacity, int destinationCapacity, LongSupplier clockMs) {
        this.clockMs = clockMs;
        if (serviceCapacity <= 0 || destinationCapacity <= 0) {
            throw new IllegalArgumentException("capacities must be > 0, were " + serviceCapacity + "/"
                    + destinationCapacity);
        }
        this.serviceCapacity = serviceCapacity;
        this.destinationCapacity = destinationCapacity;
        this.registry = new DestinationRegistry(destinationCapacity);
        this.serviceOfDestination = new int[destinationCapacity];
        Arrays.fill(serviceOfDestination, -1);
        this.serviceBaseline = new long[serviceCapacity * TrafficCounters.FIELDS];
        this.destinationBaseline = new long[destinationCapacity * TrafficCounters.FIELDS];
        publish();
    }

    /** A table holding {@code specs}, with room for sixteen times as many, and at least the minimums. */
    public static ServiceTable of(List<ServiceSpec> specs) {
        int servers = 0;
        for (ServiceSpec spec : specs) {
            servers += spec.servers().size();
        }
        ServiceTable table = new ServiceTable(Math.max(MIN_SERVICES, specs.size() * 16),
                Math.max(MIN_SERVERS, servers * 16));
        table.addAll(specs);
        return table;
    }

    /** The registry connection entries resolve destinations through. */
    public DestinationRegistry registry() {
        return registry;
    }

    /** The current snapshot. Any thread; a worker reads it once per batch. */
    public ServiceSnapshot snapshot() {
        return snapshot;
    }

    /** The running services, in the order they were added (a copy). */
    public synchronized List<VirtualService> services() {
        return List.copyOf(services);
    }

    /** The running service with that key, or {@code null}. */
    public synchronized VirtualService service(ServiceKey key) {
        for (VirtualService service : services) {
            if (service.key().equals(key)) {
                return service;
            }
        }
        return null;
    }

    /** A deleted real server still remembered (with connections, or within its trash period), and its service. */
    public record DeletedServer(ServiceKey service, Destination destination) {
    }

    /**
     * The deleted servers still remembered: their connections' packets are still jlvs's to
     * drop or, once revived, forward, and their NAT replies still jlvs's to rewrite.
     */
    public synchronized List<DeletedServer> deleted() {
        List<DeletedServer> list = new ArrayList<>();
        for (Map.Entry<TrashKey, Trashed> e : trash.entrySet()) {
            list.add(new DeletedServer(e.getKey().service(), e.getValue().destination()));
        }
        return list;
    }

    /**
     * Control thread: adds services (as {@code ipvsadm -A} and {@code -a} for each server)
     * and publishes the result.
     *
     * @throws IllegalArgumentException when a service with the same key runs already
     * @throws IllegalStateException when the table's capacity would be exceeded; nothing changes then
     */
    public synchronized void addAll(List<ServiceSpec> specs) {
        emptyTrash();
        int newServers = 0;
        for (ServiceSpec spec : specs) {
            if (serviceOf(spec.key()) != null) {
                throw new IllegalArgumentException("service " + spec.key() + " exists already");
            }
            newServers += newRegistrations(spec.key(), spec.servers());
        }
        checkCapacity(specs.size(), newServers);
        for (ServiceSpec spec : specs) {
            addService(spec);
        }
        publish();
    }

    /**
     * Control thread: applies the difference between the running file and a new one (the
     * service part; global settings are the caller's) and publishes the result.
     *
     * @throws IllegalArgumentException when the diff does not match the running services
     * @throws IllegalStateException when the table's capacity would be exceeded; nothing changes then
     */
    public synchronized void apply(ServiceFileDiff diff) {
        emptyTrash();
        int newServers = 0;
        for (ServiceSpec spec : diff.added()) {
            newServers += newRegistrations(spec.key(), spec.servers());
        }
        for (ServiceChange change : diff.changed()) {
            require(change.before().key());
            newServers += newRegistrations(change.before().key(), change.serversAdded());
        }
        for (ServiceSpec spec : diff.removed()) {
            require(spec.key());
        }
        checkCapacity(diff.added().size(), newServers);
        for (ServiceSpec spec : diff.removed()) {
            removeService(require(spec.key()));
        }
        for (ServiceChange change : diff.changed()) {
            changeService(require(change.before().key()), change);
        }
        for (ServiceSpec spec : diff.added()) {
            addService(spec);
        }
        publish();
    }

    /**
     * What the control side outside the data plane does when the services change: the kernel
     * guard (nftables rules for the traffic jlvsd owns), ARP for VIPs, listings.
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * The table published a new snapshot. Called on the control thread that made the
         * change, after the workers can see it, with the services as they now run.
         */
        void published(ServiceSnapshot snapshot, List<VirtualService> services);
    }

    /** Control thread: calls {@code listener} after every publication, starting with the current state. */
    public synchronized void addListener(Listener listener) {
        listeners.add(listener);
        listener.published(snapshot, List.copyOf(services));
    }

    /**
     * Control thread: a new set of per-worker counters, included in the sums from now on.
     * Call once per worker, before it starts.
     */
    public TrafficCounters newCounters() {
        TrafficCounters c = new TrafficCounters(serviceCapacity, destinationCapacity);
        counters.add(c);
        return c;
    }

    /** A service's counters summed over the workers, since it was created (may lag by a few packets). */
    public synchronized Stats serviceStats(VirtualService service) {
        return stats(sinceBaseline(serviceSums(service.index()), serviceBaseline, service.index()));
    }

    /** A real server's counters summed over the workers, since it was created (zero for an unregistered one). */
    public synchronized Stats destinationStats(Destination destination) {
        int index = registry.indexOf(destination);
        if (index < 0) {
            return Stats.ZERO;
        }
        return stats(sinceBaseline(destinationSums(index), destinationBaseline, index));
    }

    private long[] serviceSums(int index) {
        long[] totals = new long[TrafficCounters.FIELDS];
        for (TrafficCounters c : counters) {
            c.addService(index, totals);
        }
        return totals;
    }

    private long[] destinationSums(int index) {
        long[] totals = new long[TrafficCounters.FIELDS];
        for (TrafficCounters c : counters) {
            c.addDestination(index, totals);
        }
        return totals;
    }

    private static long[] sinceBaseline(long[] sums, long[] baseline, int index) {
        for (int i = 0; i < sums.length; i++) {
            sums[i] -= baseline[index * TrafficCounters.FIELDS + i];
        }
        return sums;
    }

    /** Counting for a fresh index starts from what its earlier holders left in the counters. */
    private static void takeBaseline(long[] sums, long[] baseline, int index) {
        System.arraycopy(sums, 0, baseline, index * TrafficCounters.FIELDS, sums.length);
    }

    private static Stats stats(long[] t) {
        return new Stats(t[TrafficCounters.CONNS], t[TrafficCounters.IN_PKTS], t[TrafficCounters.OUT_PKTS],
                t[TrafficCounters.IN_BYTES], t[TrafficCounters.OUT_BYTES]);
    }

    // ------------------------------------------------------------------ changes

    /**
     * Makes room for {@code newServices} services and {@code newServers} new real servers, or
     * says why there is none. Services removed by the change being checked still hold their
     * places here, so a change is checked as if it added before it removed.
     */
    private void checkCapacity(int newServices, int newServers) {
        freeServiceIndexes();
        int liveServices = serviceIndexes.cardinality();
        if (liveServices + newServices > serviceCapacity) {
            throw new IllegalStateException("service table full: " + services.size() + " services running and "
                    + (liveServices - services.size()) + " deleted ones whose servers still have connections, "
                    + newServices + " more asked, room for " + serviceCapacity);
        }
        int need = registry.size() + newServers - destinationCapacity;
        if (need > 0) {
            evictIdleTrash(need);
        }
        if (registry.size() + newServers > destinationCapacity) {
            throw new IllegalStateException("real-server table full: " + (registry.size() - trash.size())
                    + " servers running and " + trash.size() + " deleted ones with connections, " + newServers
                    + " more asked, room for " + destinationCapacity);
        }
    }

    /**
     * Frees the index of every service that is gone and that no deleted server with connections
     * refers to (an idle deleted server counts nothing more; revived, it takes its new service's).
     */
    private void freeServiceIndexes() {
        BitSet inUse = new BitSet();
        for (VirtualService service : services) {
            inUse.set(service.index());
        }
        for (Trashed t : trash.values()) {
            int index = registry.indexOf(t.destination());
            if (index >= 0 && serviceOfDestination[index] >= 0 && !isIdle(t.destination())) {
                inUse.set(serviceOfDestination[index]);
            }
        }
        serviceIndexes.and(inUse);
    }

    private int allocateServiceIndex() {
        int index = serviceIndexes.nextClearBit(0);
        serviceIndexes.set(index);
        takeBaseline(serviceSums(index), serviceBaseline, index);
        return index;
    }

    /** Drops up to {@code count} deleted servers without connections from the trash, oldest first. */
    private void evictIdleTrash(int count) {
        List<Map.Entry<TrashKey, Trashed>> idle = new ArrayList<>();
        for (Map.Entry<TrashKey, Trashed> e : trash.entrySet()) {
            if (isIdle(e.getValue().destination())) {
                idle.add(e);
            }
        }
        idle.sort(Map.Entry.comparingByValue(Comparator.comparingLong(Trashed::removedMs)));
        for (int i = 0; i < Math.min(count, idle.size()); i++) {
            forget(idle.get(i).getKey());
        }
    }

    private static boolean isIdle(Destination d) {
        return d.totalConns() == 0 && d.persistConns() == 0;
    }

    /** Removes a deleted server from the trash and frees its index. */
    private void forget(TrashKey key) {
        Trashed t = trash.remove(key);
        if (t != null) {
            registry.unregister(t.destination());
        }
    }

    private VirtualService serviceOf(ServiceKey key) {
        for (VirtualService service : services) {
            if (service.key().equals(key)) {
                return service;
            }
        }
        return null;
    }

    private VirtualService require(ServiceKey key) {
        VirtualService service = serviceOf(key);
        if (service == null) {
            throw new IllegalArgumentException("no running service " + key);
        }
        return service;
    }

    private void addService(ServiceSpec spec) {
        ServiceScheduling scheduling = new ServiceScheduling(Schedulers.create(spec.scheduler(), spec.schedulerFlags()));
        VirtualService service = new VirtualService(allocateServiceIndex(), spec, scheduling,
                tracked(spec, scheduling.scheduler()));
        for (RealServerSpec server : spec.servers()) {
            addServer(service, server);
        }
        services.add(service);
    }

    private void addServer(VirtualService service, RealServerSpec server) {
        Trashed deleted = trash.remove(new TrashKey(service.key(), server.address(), server.port()));
        Destination d;
        int index;
        if (deleted != null) {
            d = deleted.destination();
            d.readd(server.method(), server.weight());
            index = registry.index(d);
        } else {
            d = new Destination(server.address(), server.port(), server.method(), server.weight());
            index = registry.register(d);
            takeBaseline(destinationSums(index), destinationBaseline, index);
        }
        d.thresholds(server.upperThreshold(), server.lowerThreshold());
        serviceOfDestination[index] = service.index();
        service.scheduling().add(d);
        service.mutableDestinations().add(d);
    }

    private void removeServer(VirtualService service, Destination d) {
        service.scheduling().delete(d);
        service.mutableDestinations().remove(d);
        trash.put(new TrashKey(service.key(), d.addr(), d.port()), new Trashed(d, clockMs.getAsLong()));
    }

    /** How many of {@code servers}, added to the service {@code key}, need a new Destination (not revived). */
    private int newRegistrations(ServiceKey key, List<RealServerSpec> servers) {
        int count = 0;
        for (RealServerSpec server : servers) {
            if (!trash.containsKey(new TrashKey(key, server.address(), server.port()))) {
                count++;
            }
        }
        return count;
    }

    /** Forgets the deleted servers that have no connection left and were deleted a trash period ago. */
    private void emptyTrash() {
        long nowMs = clockMs.getAsLong();
        List<TrashKey> expired = new ArrayList<>();
        for (Map.Entry<TrashKey, Trashed> e : trash.entrySet()) {
            if (isIdle(e.getValue().destination()) && nowMs - e.getValue().removedMs() >= TRASH_PERIOD_MS) {
                expired.add(e.getKey());
            }
        }
        for (TrashKey key : expired) {
            forget(key);
        }
    }

    /** A deleted server as the trash knows it: its service and endpoint (host byte order). */
    private record TrashKey(ServiceKey service, int addr, int port) {
    }

    /** A deleted server and when it was deleted (the table's clock, milliseconds). */
    private record Trashed(Destination destination, long removedMs) {
    }

    private void removeService(VirtualService service) {
        for (Destination d : service.destinations()) {
            removeServer(service, d);
        }
        services.remove(service);
    }

    private void changeService(VirtualService service, ServiceChange change) {
        ServiceSpec after = change.after();
        ServiceScheduling scheduling = service.scheduling();
        if (change.schedulerChanged() || change.flagsChanged()) {
            scheduling.rebind(Schedulers.create(after.scheduler(), after.schedulerFlags()));
        }
        for (RealServerSpec server : change.serversRemoved()) {
            removeServer(service, service.destination(server));
        }
        for (ServerChange edit : change.serversEdited()) {
            RealServerSpec next = edit.after();
            Destination d = service.destination(next);
            if (edit.methodChanged()) {
                d.method(next.method());
            }
            scheduling.edit(d, next.weight(), next.upperThreshold(), next.lowerThreshold());
        }
        addServers(service, change.serversAdded());
        service.spec(after);
        service.tracked(tracked(after, scheduling.scheduler()));
    }

    /** Adds the servers of a changed service; after removals, so an address may move between methods. */
    private void addServers(VirtualService service, List<RealServerSpec> servers) {
        for (RealServerSpec server : servers) {
            addServer(service, server);
        }
    }

    private static TrackedService tracked(ServiceSpec spec, Scheduler scheduler) {
        int timeoutS = spec.persistence().map(Persistence::timeoutSeconds).orElse(0);
        int netmask = spec.persistence().map(Persistence::netmask).orElse(-1);
        return switch (spec.key()) {
            case ServiceKey.Address a -> new TrackedService(a.protocol().number(), a.vip(), a.port(), 0, scheduler,
                    timeoutS, netmask, spec.onePacket());
            case ServiceKey.Mark m -> new TrackedService(0, 0, 0, m.mark(), scheduler, timeoutS, netmask,
                    spec.onePacket());
        };
    }

    private void publish() {
        Long2ObjectHashMap<TrackedService> byKey = new Long2ObjectHashMap<>();
        IntHashSet vips = new IntHashSet();
        IntHashSet natServers = new IntHashSet();
        boolean portZero = false;
        // A deleted server's connections still get their replies rewritten, as IPVS rewrites
        // them: its address stays a NAT server's while it is in the trash.
        for (Trashed t : trash.values()) {
            if (t.destination().method() == ForwardingMethod.MASQ) {
                natServers.add(t.destination().addr());
            }
        }
        for (VirtualService service : services) {
            for (Destination d : service.mutableDestinations()) {
                if (d.method() == ForwardingMethod.MASQ) {
                    natServers.add(d.addr());
                }
            }
            if (service.key() instanceof ServiceKey.Address a) {
                byKey.put(ServiceSnapshot.key(a.protocol().number(), a.vip(), a.port()), service.tracked());
                vips.add(a.vip());
                portZero |= a.port() == 0;
            }
        }
        snapshot = new ServiceSnapshot(byKey, portZero, vips, natServers, serviceOfDestination.clone(), ++version);
        if (!listeners.isEmpty()) {
            List<VirtualService> now = List.copyOf(services);
            for (Listener listener : listeners) {
                listener.published(snapshot, now);
            }
        }
    }
}
