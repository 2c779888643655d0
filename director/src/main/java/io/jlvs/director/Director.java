package io.jlvs.director;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.IoSettings;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.Defense;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.io.TxRingConfig;
import io.jlvs.dataplane.kernel.ArpFrames;
import io.jlvs.dataplane.kernel.ArpResponder;
import io.jlvs.dataplane.kernel.CommandRunner;
import io.jlvs.dataplane.kernel.KernelCommandException;
import io.jlvs.dataplane.kernel.KernelNextHops;
import io.jlvs.dataplane.kernel.NatServer;
import io.jlvs.dataplane.kernel.NeighbourSnapshot;
import io.jlvs.dataplane.kernel.NeighbourTable;
import io.jlvs.dataplane.kernel.NftGuard;
import io.jlvs.dataplane.kernel.Offloads;
import io.jlvs.dataplane.kernel.OwnedFlow;
import io.jlvs.dataplane.kernel.Route;
import io.jlvs.dataplane.kernel.RouteTable;
import io.jlvs.dataplane.kernel.RtNetlink;
import io.jlvs.dataplane.kernel.Routes;
import io.jlvs.dataplane.kernel.VipArpHandler;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.HugePageMemory;
import io.jlvs.dataplane.sys.NativeException;
import io.jlvs.dataplane.worker.DataPlane;
import io.jlvs.dataplane.worker.TxRingSink;
import io.jlvs.dataplane.worker.Worker;
import io.jlvs.dataplane.xdp.XdpFilter;
import io.jlvs.director.adm.AdmFormatter;
import io.jlvs.director.adm.DestView;
import io.jlvs.director.adm.ListFormat;
import io.jlvs.director.adm.ServerOptions;
import io.jlvs.director.adm.ServiceOptions;
import io.jlvs.director.adm.ServiceRef;
import io.jlvs.director.adm.ServiceView;
import io.jlvs.director.adm.StatsView;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A running director: the service table, the data plane and the kernel interplay around it.
 *
 * <p>{@link #start} does, in order: reads the data-plane interfaces; checks their receive offloads
 * (warns, or turns GRO/LRO off with {@link Options#disableGro}); installs the nftables guard
 * ({@link NftGuard}: drop rules for every service's protocol/VIP/port and every NAT server's
 * protocol/RIP/port, after removing a stale table) and keeps it in step with the service table;
 * reads the kernel's routes and neighbours through rtnetlink into {@link KernelNextHops}, follows
 * their changes as the kernel announces them ({@link RtNetlink.Changes}) and resolves the real
 * servers' next hops (asked again every {@link #REFRESH_PERIOD}); answers ARP for the VIPs the
 * kernel does not hold and announces them with a gratuitous ARP; opens the workers' rings and
 * starts them. {@link #close} undoes all of it; a failure half-way closes what was started.
 *
 * <p>Control thread only; the workers are the data plane's.
 */
public final class Director implements AutoCloseable {
    /** How often the neighbour snapshot is refreshed; routes every tenth time. */
    public static final Duration REFRESH_PERIOD = Duration.ofMillis(500);
    /** How often the table's defence is updated, as the kernel's defence timer. */
    public static final Duration DEFENSE_PERIOD = Duration.ofSeconds(1);
    /** How long {@link #start} waits for the real servers' next hops to resolve. */
    public static final Duration RESOLVE_WAIT = Duration.ofSeconds(2);

    private final GlobalSettings global;
    private final ServiceTable services;
    private final Options options;
    private final Log log;
    private final CommandRunner runner = CommandRunner.root();
    private final List<AutoCloseable> undo = new ArrayList<>();
    private List<Port> ports = List.of();
    private Routes routes;
    private NeighbourTable neighbours;
    private RtNetlink.Changes changes;
    private KernelNextHops nextHops;
    private NftGuard guard;
    private List<XdpFilter> xdpFilters = List.of();
    private final List<VipArpHandler> arpHandlers = new ArrayList<>();
    private ConnTable table;
    private ConnTracker tracker;
    private Timeouts timeouts;
    private DataPlane dataPlane;
    private Thread refresher;
    private Thread defender;
    private volatile boolean closed;
    private final Object routesLock = new Object();
    private final AtomicReference<Pending> pendingSync = new AtomicReference<>();
    private volatile Thread kernelSync;
    /** Changes published to the data plane, and how many of them the kernel's side has (guarded by itself). */
    private final AtomicLong syncRequested = new AtomicLong();
    private final Object syncLock = new Object();
    private long syncApplied;

    /**
     * What the command line adds.
     *
     * @param disableGro   turn GRO, LRO and hardware GRO off on the interfaces, restoring them on exit
     * @param overrides    fixed neighbours ({@code --neighbour}), consulted before the kernel
     * @param gatewayMac   the MAC for addresses the kernel has no next hop for ({@code --gateway}), or -1
     * @param gatewayPort  its interface index
     * @param nftTable     the nftables table name
     */
    public record Options(boolean disableGro, StaticNextHops overrides, long gatewayMac, int gatewayPort,
                          String nftTable) {
    }

    private Director(GlobalSettings global, ServiceTable services, Options options, Log log) {
        this.global = global;
        this.services = services;
        this.options = options;
        this.log = log;
    }

    /**
     * Starts a director for {@code services} on {@code global.interfaces()}; messages for the
     * operator go to {@code log}.
     *
     * @throws NativeException       when a packet socket cannot be opened
     * @throws KernelCommandException when a kernel tool fails (nft, ip) or is missing
     * @throws SocketException       when the interfaces cannot be read
     */
    public static Director start(GlobalSettings global, ServiceTable services, Options options, Log log)
            throws NativeException, SocketException {
        Director director = new Director(global, services, options, log);
        try {
            director.startAll();
        } catch (NativeException | SocketException | RuntimeException e) {
            director.close();
            throw e;
        }
        return director;
    }

    private void startAll() throws NativeException, SocketException {
        List<String> interfaces = global.interfaces();
        ports = ports(interfaces);
        checkOffloads(interfaces);
        xdpFilters = openXdpFilters(interfaces);
        if (xdpFilters.isEmpty()) {
            guard = NftGuard.install(runner, options.nftTable(), rules(services.services()));
            undo.add(guard);
            guard.removeOnShutdown();
            log.info("nftables table netdev " + guard.table() + " guards " + String.join(", ", interfaces)
                    + " (" + guard.counters().size() + " rules)");
        }
        routes = new Routes(runner);
        undo.add(routes);
        changes = RtNetlink.Changes.subscribe(runner);
        undo.add(changes);
        neighbours = new NeighbourTable(routes, new HashSet<>(interfaces));
        nextHops = new KernelNextHops(neighbours::snapshot, neighbours::reportMissing, options.overrides(),
                options.gatewayMac(), options.gatewayPort());
        refreshRoutes(true);
        awaitRealServers();
        for (int w = 0; w < global.workers(); w++) {
            arpHandlers.add(new VipArpHandler(ports));
        }
        services.addListener((snapshot, now) -> {
            if (kernelSync == null) {
                published(now);
            } else {
                pendingSync.set(new Pending(now, syncRequested.incrementAndGet())); // under the table's lock: in order
                LockSupport.unpark(kernelSync);
            }
        });
        kernelSync = Thread.ofPlatform().daemon().name("jlvs-kernel-sync").start(this::kernelSyncLoop);
        timeouts = new Timeouts();
        timeouts.set(global.timeouts().tcpSeconds(), global.timeouts().tcpFinSeconds(), global.timeouts().udpSeconds());
        HugePageMemory tableMemory = new HugePageMemory();
        table = new ConnTable(global.connectionTableCapacity(), ConnTable.DEFAULT_LOAD_FACTOR, tableMemory);
        undo.add(table);
        log.info("connection table mapped " + tableMemory.report());
        Defense defense = new Defense();
        global.defense().applyTo(defense);
        tracker = new ConnTracker(table, services.registry(), timeouts, new ConnSysctls(), defense);
        dataPlane = DataPlane.open(ports, global.workers(), global.io(), xdpFilters, tracker, services, nextHops,
                arpHandlers::get, log::error);
        undo.add(dataPlane);
        announce(unconfiguredVips(services.services()));
        refresher = Thread.ofPlatform().daemon().name("jlvs-kernel-tables").start(this::refreshLoop);
        defender = Thread.ofPlatform().daemon().name("jlvs-defense").start(this::defenseLoop);
        dataPlane.start();
    }

    /** The service table the data plane runs. */
    public ServiceTable services() {
        return services;
    }

    /** The data plane (counters, workers). */
    public DataPlane dataPlane() {
        return dataPlane;
    }

    /** The connection table. */
    public ConnTable connections() {
        return table;
    }

    /** The connection tracker the workers use ({@code -Lnc} lists its entries). */
    public ConnTracker tracker() {
        return tracker;
    }

    /** The tracker's timeouts ({@code --set} and reload change them). */
    public Timeouts timeouts() {
        return timeouts;
    }

    /** The data-plane interfaces. */
    public List<Port> ports() {
        return ports;
    }

    /** The nftables guard. */
    public NftGuard guard() {
        return guard;
    }

    /** The kernel neighbour table jlvsd keeps. */
    public NeighbourTable neighbours() {
        return neighbours;
    }

    /** The settings of the service file. */
    public GlobalSettings global() {
        return global;
    }

    /**
     * The services as {@code ipvsadm -Ln} lists them, with each real server's active and
     * inactive connections as the connection table counts them now.
     */
    public String listing() {
        List<ServiceView> views = new ArrayList<>();
        for (VirtualService service : services.services()) {
            ServiceSpec spec = service.spec();
            List<DestView> dests = new ArrayList<>();
            for (Destination d : service.destinations()) {
                ServerOptions server = ServerOptions.of(d.addr(), d.port()).with(d.method(), d.weight());
                dests.add(new DestView(server, d.activeConns(), d.inactConns(), d.persistConns(), StatsView.ZERO));
            }
            views.add(new ServiceView(ServiceRef.of(service.key()), ServiceOptions.of(spec), StatsView.ZERO, dests));
        }
        return AdmFormatter.listAll(views, ListFormat.NUMERIC, global.connectionTableCapacity());
    }

    /**
     * Brings the kernel's side up to the latest published services, on a thread of its own, so a
     * change answers as soon as the data plane has it and a burst of changes ({@code -R} of a
     * thousand lines) costs a few kernel updates, not one per line: each round takes the newest
     * state and drops the ones it overtook.
     */
    private void kernelSyncLoop() {
        while (!closed) {
            Pending pending = pendingSync.getAndSet(null);
            if (pending == null) {
                LockSupport.park(this);
                continue;
            }
            published(pending.services());
            synchronized (syncLock) {
                syncApplied = Math.max(syncApplied, pending.generation());
                syncLock.notifyAll();
            }
        }
        synchronized (syncLock) {
            syncLock.notifyAll();
        }
    }

    /** The newest services for the kernel's side, and which published change they are (1, 2, ...). */
    private record Pending(List<VirtualService> services, long generation) {
    }

    /**
     * Waits until the kernel's side (the nftables guard, the XDP maps, the ARP answers) has every
     * change published so far, so that a command is answered only once its change is in effect,
     * as ipvsadm's is: a datagram sent right after {@code jlvsadm -a} must not find the kernel
     * still forwarding the new NAT server's replies, or answering for a new VIP. A burst of
     * changes in one command ({@code -R}) is still one kernel update. Gives up after
     * {@code timeoutMs} (when the kernel is that slow); returns at once when the director closes.
     *
     * @return false when the time ran out first
     */
    public boolean awaitKernelSync(long timeoutMs) throws InterruptedException {
        long target = syncRequested.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (syncLock) {
            while (syncApplied < target && !closed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                syncLock.wait(left);
            }
            return true;
        }
    }

    /**
     * The I/O backend ({@code global.io.backend}): for {@code af_xdp} and {@code auto}, jlvs's
     * XDP program attached to every interface (one filter each), or, when that cannot be done,
     * an error ({@code af_xdp}) or AF_PACKET with the reason in one line ({@code auto}). An
     * empty list means AF_PACKET.
     */
    private List<XdpFilter> openXdpFilters(List<String> interfaces) {
        IoSettings.Backend backend = global.io().backend();
        if (backend == IoSettings.Backend.AF_PACKET) {
            log.info("io af_packet (TPACKET_V2 rings, fanout per interface)");
            return List.of();
        }
        String problem = XdpFilter.unavailabilityReason();
        if (problem == null) {
            problem = queueShortage(interfaces, global.workers());
        }
        List<XdpFilter> filters = new ArrayList<>();
        if (problem == null) {
            try {
                for (String name : interfaces) {
                    XdpFilter filter = XdpFilter.open(name);
                    filters.add(filter);
                    undo.add(filter);
                }
            } catch (NativeException | RuntimeException e) {
                problem = e.getMessage();
                for (XdpFilter filter : filters) {
                    filter.close();
                    undo.remove(filter);
                }
                filters.clear();
            }
        }
        if (problem != null) {
            if (backend == IoSettings.Backend.AF_XDP) {
                throw new KernelCommandException("io backend af_xdp: " + problem);
            }
            log.warn("io af_packet (AF_XDP not used: " + problem + ")");
            return List.of();
        }
        log.info("io af_xdp (" + filters.stream().map(f -> f.interfaceName() + " " + f.mode())
                .collect(Collectors.joining(", ")) + ", " + global.workers() + " queue"
                + (global.workers() == 1 ? "" : "s") + " each; the XDP program takes jlvs's traffic from the"
                + " kernel, no nftables guard)");
        return List.copyOf(filters);
    }

    /** Why an interface has fewer RX queues than workers (each worker needs a queue of its own), or null. */
    private static String queueShortage(List<String> interfaces, int workers) {
        for (String name : interfaces) {
            int queues = rxQueues(name);
            if (queues > 0 && queues < workers) {
                return name + " has " + queues + " RX queue" + (queues == 1 ? "" : "s") + " for " + workers
                        + " workers";
            }
        }
        return null;
    }

    /** RX queues of {@code name} from sysfs, or 0 when unknown. */
    private static int rxQueues(String name) {
        try (var entries = Files.list(Path.of("/sys/class/net", name, "queues"))) {
            return (int) entries.filter(p -> p.getFileName().toString().startsWith("rx-")).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The service table changed: new guard rules or XDP maps, new ARP VIPs, new real servers to resolve. */
    private void published(List<VirtualService> now) {
        if (closed || (guard == null && xdpFilters.isEmpty())) {
            return;
        }
        NftGuard.Rules rules = rules(now);
        if (guard != null) {
            try {
                guard.apply(rules);
            } catch (KernelCommandException | IllegalStateException e) {
                log.error("could not update the nftables rules: " + e.getMessage());
            }
        }
        int[] vips = unconfiguredVips(now);
        Set<Integer> arpVips = new LinkedHashSet<>();
        for (int vip : vips) {
            arpVips.add(vip);
        }
        for (XdpFilter filter : xdpFilters) {
            try {
                filter.apply(rules.flows(), rules.natServers(), arpVips);
            } catch (NativeException | IllegalArgumentException | IllegalStateException e) {
                log.error("could not update the XDP maps of " + filter.interfaceName() + ": "
                        + e.getMessage());
            }
        }
        for (VipArpHandler handler : arpHandlers) {
            handler.vips(vips);
        }
        try {
            refreshRoutes(false);
        } catch (KernelCommandException e) {
            log.error("could not read the routes: " + e.getMessage());
        }
    }

    /** The guard's rules for {@code now}: each address service, and each NAT real server. */
    private NftGuard.Rules rules(List<VirtualService> now) {
        List<OwnedFlow> flows = new ArrayList<>();
        List<NatServer> nat = new ArrayList<>();
        for (VirtualService service : now) {
            own(service.key(), service.destinations(), flows, nat);
        }
        // A deleted server's connections stay jlvs's (dropped, or forwarded again once it is
        // revived): the kernel must not answer their packets with resets, nor forward its NAT
        // replies unrewritten. The same holds for a deleted service's.
        for (ServiceTable.DeletedServer deleted : services.deleted()) {
            own(deleted.service(), List.of(deleted.destination()), flows, nat);
        }
        return new NftGuard.Rules(global.interfaces(), flows, nat);
    }

    /** Adds an address service's flow and its NAT servers' replies to the guard's rules. */
    private static void own(ServiceKey key, List<Destination> servers, List<OwnedFlow> flows, List<NatServer> nat) {
        if (key instanceof ServiceKey.Address a) {
            flows.add(OwnedFlow.service(a.protocol(), a.vip(), a.port()));
            for (Destination d : servers) {
                if (d.method() == ForwardingMethod.MASQ) {
                    nat.add(new NatServer(a.protocol(), d.addr(), d.port()));
                }
            }
        }
    }

    /** The VIPs of address services that the kernel does not hold (its route to them is not local). */
    private int[] unconfiguredVips(List<VirtualService> now) {
        Set<Integer> vips = new LinkedHashSet<>();
        for (VirtualService service : now) {
            if (service.key() instanceof ServiceKey.Address a && !isLocal(a.vip())) {
                vips.add(a.vip());
            }
        }
        return vips.stream().mapToInt(Integer::intValue).toArray();
    }

    private boolean isLocal(int address) {
        try {
            return routes.lookup(address).isLocal();
        } catch (KernelCommandException e) {
            return false;
        }
    }

    /** Reads the main routing table and the routes to the real servers into the next hops. */
    /**
     * Reads the kernel's routes to the real servers: every one again when {@code all} (the
     * periodic refresh), else only those not asked yet (a change adds a server). Callers on
     * several threads take turns.
     */
    private void refreshRoutes(boolean all) {
        synchronized (routesLock) {
            refreshRoutesLocked(all);
        }
    }

    private void refreshRoutesLocked(boolean all) {
        RouteTable table = RouteTable.query(routes.netlink(), global.interfaces());
        Map<Integer, Route> pinned = new LinkedHashMap<>();
        for (int address : realServers()) {
            try {
                pinned.put(address, all ? routes.refresh(address) : routes.lookup(address));
            } catch (KernelCommandException e) {
                log.warn("real server " + Ipv4.format(address) + ": " + e.getMessage());
            }
        }
        for (String skipped : nextHops.update(table, pinned, global.interfaces())) {
            log.warn("not forwarding by the kernel's route to " + skipped);
        }
        Set<Integer> watch = new HashSet<>();
        for (int address : pinned.keySet()) {
            int hop = nextHops.nextHopAddress(address);
            if (hop != 0) {
                watch.add(hop);
            }
        }
        for (int old : neighbours.watched()) {
            if (!watch.contains(old)) {
                neighbours.unwatch(old);
            }
        }
        watch.forEach(neighbours::watch);
    }

    private Set<Integer> realServers() {
        Set<Integer> addresses = new LinkedHashSet<>();
        for (VirtualService service : services.services()) {
            for (Destination d : service.destinations()) {
                addresses.add(d.addr());
            }
        }
        return addresses;
    }

    /** Asks the kernel for the real servers' next hops and waits (bounded) for their MACs. */
    private void awaitRealServers() {
        long deadline = System.nanoTime() + RESOLVE_WAIT.toNanos();
        try {
            neighbours.refresh();
            for (int hop : neighbours.watched()) {
                while (neighbours.snapshot().mac(hop) == NeighbourSnapshot.NO_MAC && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    neighbours.refresh();
                }
                if (neighbours.snapshot().mac(hop) == NeighbourSnapshot.NO_MAC) {
                    log.warn("next hop " + Ipv4.format(hop) + " has not answered ARP yet; frames to it"
                            + " are dropped (and counted) until it does");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KernelCommandException e) {
            log.error("could not read the neighbour table: " + e.getMessage());
        }
    }

    /**
     * Follows the kernel: a neighbour change re-reads the neighbour table at once, a route,
     * address or link change the routes; every {@link #REFRESH_PERIOD} the addresses the workers
     * missed and the watched next hops are asked for ({@code NTF_USE}), and every tenth time the
     * routes are read again. All through rtnetlink: no process is started.
     */
    private void refreshLoop() {
        long round = 0;
        long periodNanos = REFRESH_PERIOD.toNanos();
        long next = System.nanoTime();
        while (!closed && !Thread.currentThread().isInterrupted()) {
            try {
                long now = System.nanoTime();
                if (now - next >= 0) {
                    next = now + periodNanos;
                    neighbours.refresh();
                    if (++round % 10 == 0) {
                        refreshRoutes(true);
                    }
                }
                int changed = changes.await((int) Math.max(1, (next - System.nanoTime()) / 1_000_000));
                if ((changed & RtNetlink.Changes.ROUTES) != 0) {
                    routes.clear();
                    refreshRoutes(true);
                }
                if ((changed & RtNetlink.Changes.NEIGHBOURS) != 0) {
                    neighbours.reload();
                }
            } catch (KernelCommandException e) {
                if (closed) {
                    return;
                }
                log.error("refreshing the kernel's tables failed: " + e.getMessage());
                try {
                    Thread.sleep(REFRESH_PERIOD.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /**
     * The table's defence, once a second as the kernel's defence timer: levels from the free
     * entries, and with {@code drop_entry} in effect random eviction of embryonic entries over a
     * thirty-second part of the slots, as the kernel probes a thirty-second part of its buckets.
     */
    private void defenseLoop() {
        int probes = Math.max(1, table.slotCount() >> 5);
        while (!closed) {
            try {
                Thread.sleep(DEFENSE_PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                tracker.defend(Worker.clockMs(), probes);
            }
        }
    }

    /** Warns about frame-merging offloads, or turns them off when told to. */
    private void checkOffloads(List<String> interfaces) {
        if (!runner.hasTool("ethtool")) {
            log.warn("cannot check GRO/LRO on " + String.join(", ", interfaces)
                    + ": ethtool is not installed (apt-get install ethtool)");
            return;
        }
        for (String name : interfaces) {
            try {
                if (options.disableGro()) {
                    Offloads.Change change = Offloads.disableMerging(runner, name);
                    undo.add(change);
                    if (!change.turnedOff().isEmpty()) {
                        log.info("turned " + String.join(", ", change.turnedOff()) + " off on " + name
                                + " (restored on exit)");
                    }
                } else {
                    for (String warning : Offloads.check(runner, name).warnings()) {
                        log.warn(warning + " (--disable-gro)");
                    }
                }
            } catch (KernelCommandException e) {
                log.warn("cannot check offloads of " + name + ": " + e.getMessage());
            }
        }
    }

    /** Sends a gratuitous ARP for each of {@code vips} on every interface, and starts answering for them. */
    private void announce(int[] vips) throws NativeException {
        for (VipArpHandler handler : arpHandlers) {
            handler.vips(vips);
        }
        if (vips.length == 0) {
            return;
        }
        MemorySegment frame = MemorySegment.ofArray(new byte[ArpFrames.TAGGED_FRAME_LENGTH + 16]);
        for (Port port : ports) {
            ArpResponder responder = new ArpResponder(port.mac(), vips);
            try (TxRing ring = TxRing.open(TxRingConfig.of(port.name()), port.ifindex())) {
                TxRingSink sink = new TxRingSink(ring);
                for (int vip : vips) {
                    int length = responder.writeGratuitous(frame, 0, vip);
                    sink.send(frame, 0, length);
                }
                sink.flush();
            }
            for (int vip : vips) {
                log.info("answering ARP for " + Ipv4.format(vip) + " on " + port.name()
                        + " (not configured in the kernel); gratuitous ARP sent");
            }
        }
    }

    /** Stops the workers, frees the table, stops the refresher, removes the guard, restores offloads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (kernelSync != null) {
            LockSupport.unpark(kernelSync);
        }
        if (defender != null) {
            defender.interrupt();
            try {
                defender.join(DEFENSE_PERIOD);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (refresher != null) {
            // It sees the flag or the interrupt and ends within one wait for the kernel's notifications
            // (at most REFRESH_PERIOD); its sockets close only after it has.
            refresher.interrupt();
            try {
                refresher.join(REFRESH_PERIOD.multipliedBy(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).close();
            } catch (Exception e) {
                log.warn("while stopping: " + e.getMessage());
            }
        }
    }

    private static List<Port> ports(List<String> interfaces) throws NativeException, SocketException {
        List<Port> ports = new ArrayList<>();
        for (String name : interfaces) {
            int ifindex = AfPacket.interfaceIndex(name);
            byte[] mac = AfPacket.hardwareAddress(name);
            long macValue = ByteBuffer.allocate(8).put(new byte[2]).put(mac).flip().getLong();
            ports.add(new Port(name, ifindex, macValue, AfPacket.mtu(name), ipv4Address(name)));
        }
        return ports;
    }

    /** The first IPv4 address of the interface, host byte order, or 0. */
    private static int ipv4Address(String name) throws SocketException {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif != null) {
            for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4) {
                    return Ipv4.of(v4);
                }
            }
        }
        return 0;
    }
}
