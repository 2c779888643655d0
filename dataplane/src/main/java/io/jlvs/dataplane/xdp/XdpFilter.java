package io.jlvs.dataplane.xdp;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jlvs.core.net.Ipv4;
import io.jlvs.dataplane.io.XskSocket;
import io.jlvs.dataplane.kernel.NatServer;
import io.jlvs.dataplane.kernel.OwnedFlow;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.AfXdp;
import io.jlvs.dataplane.sys.Bpf;
import io.jlvs.dataplane.sys.Errno;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link XdpProgram} attached to one interface, with its maps: what to redirect to jlvs is
 * changed by {@link #apply} (map updates only, the program stays attached), where to redirect it
 * by {@link #register} (one AF_XDP socket per RX queue, and optionally one more for its new
 * flows: XSKMAP slot {@code 2 x queue} and {@code 2 x queue + 1}).
 *
 * <p>Its inputs are those of the nftables guard: the {@link OwnedFlow}s of the virtual services,
 * the {@link NatServer}s whose replies jlvs rewrites, and the addresses whose ARP requests jlvs
 * answers, and the director's own addresses (by default those its interfaces have when
 * {@link #apply} runs). From them it derives, for {@value XdpProgram#SERVICES}, one entry per flow plus one
 * ICMP entry per distinct VIP (or fwmark prefix); for {@value XdpProgram#NAT_SERVERS}, one entry
 * per server plus one ICMP entry per distinct real-server address. A fwmark flow is matched by
 * its address prefix, protocol and port; the mark itself is invisible at XDP (it is set later,
 * by netfilter).
 *
 * <p>Lifecycle: {@link #open} creates the maps, loads the program (the verifier's log is in the
 * exception if it refuses) and attaches it through a BPF link, in native mode when the driver
 * has it, else generic; {@link #close} detaches by closing the link, as does the process ending.
 * Control path: every method is synchronized; none is meant for a worker's packet loop.
 */
public final class XdpFilter implements AutoCloseable {
    /** Default capacity of the services and NAT server maps, in entries. */
    public static final int DEFAULT_MAX_ENTRIES = 16384;
    /** Default number of RX queues the XSKMAP has slots for. */
    public static final int DEFAULT_MAX_QUEUES = 64;

    private static final ValueLayout.OfInt U32_BE = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ICMP = 1;

    /** A {@value XdpProgram#SERVICES} entry: protocol number, port (0: all) and address/prefix, host order. */
    record ServiceKey(int protocol, int port, int address, int prefixLength) {
        void write(MemorySegment key) {
            key.set(JAVA_INT, 0, 32 + prefixLength);
            key.set(ValueLayout.JAVA_BYTE, 4, (byte) protocol);
            key.set(ValueLayout.JAVA_BYTE, 5, (byte) 0);
            key.set(U16_BE, 6, (short) port);
            key.set(U32_BE, 8, address);
        }
    }

    /** A {@value XdpProgram#NAT_SERVERS} entry: protocol number, source port (0: all) and address, host order. */
    record NatKey(int protocol, int port, int address) {
        void write(MemorySegment key) {
            key.set(ValueLayout.JAVA_BYTE, 0, (byte) protocol);
            key.set(ValueLayout.JAVA_BYTE, 1, (byte) 0);
            key.set(U16_BE, 2, (short) port);
            key.set(U32_BE, 4, address);
        }
    }

    private final String interfaceName;
    private final int ifindex;
    private final int maxEntries;
    private final int maxQueues;
    private final int servicesFd;
    private final int natFd;
    private final int arpFd;
    private final int localFd;
    private final int xsksFd;
    private final int progFd;
    private final int linkFd;
    private final Bpf.XdpMode mode;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment serviceKey;
    private final MemorySegment natKey;
    private final MemorySegment addressKey;
    private final MemorySegment queueKey;
    private final MemorySegment value;
    private final Set<ServiceKey> services = new HashSet<>();
    private final Set<NatKey> nat = new HashSet<>();
    private final Set<Integer> arp = new HashSet<>();
    private final Set<Integer> local = new HashSet<>();
    private boolean closed;

    /** The maps' and the program's file descriptors while they are being made; -1 until made. */
    private static final class Loaded {
        int services = -1;
        int nat = -1;
        int arp = -1;
        int local = -1;
        int xsks = -1;
        int program = -1;

        void closeAll() {
            for (int fd : new int[] {program, xsks, local, arp, nat, services}) {
                Bpf.close(fd);
            }
        }
    }

    private XdpFilter(String interfaceName, int ifindex, int maxEntries, int maxQueues, Loaded fds, Bpf.XdpLink link) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.maxEntries = maxEntries;
        this.maxQueues = maxQueues;
        this.servicesFd = fds.services;
        this.natFd = fds.nat;
        this.arpFd = fds.arp;
        this.localFd = fds.local;
        this.xsksFd = fds.xsks;
        this.progFd = fds.program;
        this.linkFd = link.fd();
        this.mode = link.mode();
        this.serviceKey = arena.allocate(XdpProgram.SERVICE_KEY_BYTES, 8);
        this.natKey = arena.allocate(XdpProgram.NAT_KEY_BYTES, 8);
        this.addressKey = arena.allocate(XdpProgram.ADDRESS_KEY_BYTES, 8);
        this.queueKey = arena.allocate(4, 8);
        this.value = arena.allocate(XdpProgram.VALUE_BYTES, 8);
    }

    /** {@link #open(String, int, int, boolean)} with the default capacities, native mode when the driver has it. */
    public static XdpFilter open(String interfaceName) throws NativeException {
        return open(interfaceName, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_QUEUES, true);
    }

    /**
     * Creates the maps, loads the program and attaches it to {@code interfaceName}, redirecting
     * nothing until {@link #apply} and {@link #register} are called.
     *
     * @param maxEntries capacity of the services and NAT server maps (each; ICMP entries count)
     * @param maxQueues RX queues the XSKMAP has slots for (queue indexes 0..maxQueues-1)
     * @param tryNative attach in the driver when it supports XDP (falling back to generic); false:
     *        generic mode only
     * @throws NativeException naming the call that failed (for the program, with the verifier's log)
     */
    public static XdpFilter open(String interfaceName, int maxEntries, int maxQueues, boolean tryNative)
            throws NativeException {
        if (maxEntries < 1 || maxQueues < 1) {
            throw new IllegalArgumentException("maxEntries and maxQueues must be positive");
        }
        int ifindex = AfPacket.interfaceIndex(interfaceName);
        Loaded fds = new Loaded();
        try {
            createAndLoad(fds, maxEntries, maxQueues);
            Bpf.XdpLink link = Bpf.attachXdp(fds.program, ifindex, tryNative);
            return new XdpFilter(interfaceName, ifindex, maxEntries, maxQueues, fds, link);
        } catch (NativeException | RuntimeException e) {
            fds.closeAll();
            throw e;
        }
    }

    private static void createAndLoad(Loaded fds, int maxEntries, int maxQueues) throws NativeException {
        fds.services = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_LPM_TRIE, XdpProgram.SERVICE_KEY_BYTES, XdpProgram.VALUE_BYTES,
                maxEntries, Bpf.BPF_F_NO_PREALLOC, "jlvs_services");
        fds.nat = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_HASH, XdpProgram.NAT_KEY_BYTES, XdpProgram.VALUE_BYTES,
                maxEntries, 0, "jlvs_nat");
        fds.arp = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_HASH, XdpProgram.ADDRESS_KEY_BYTES, XdpProgram.VALUE_BYTES,
                maxEntries, 0, "jlvs_arp");
        fds.local = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_HASH, XdpProgram.ADDRESS_KEY_BYTES, XdpProgram.VALUE_BYTES,
                maxEntries, 0, "jlvs_local");
        fds.xsks = Bpf.mapCreate(Bpf.BPF_MAP_TYPE_XSKMAP, 4, 4, 2 * maxQueues, 0, "jlvs_xsks");
        byte[] code = XdpProgram.build().assemble(Map.of(XdpProgram.SERVICES, fds.services,
                XdpProgram.NAT_SERVERS, fds.nat, XdpProgram.ARP_VIPS, fds.arp,
                XdpProgram.LOCAL_ADDRESSES, fds.local, XdpProgram.XSKS, fds.xsks));
        fds.program = Bpf.progLoadXdp(code, "jlvs_xdp");
    }

    /**
     * Loads the program with its maps, without attaching it, opens an AF_XDP socket, and closes
     * everything: null when this kernel and process can run the AF_XDP backend, else why not
     * (for a test's {@code Assumptions} or a startup message). Control path; a few system calls.
     */
    public static String unavailabilityReason() {
        if (!Bpf.isLittleEndian()) {
            return "the XDP program is assembled for little-endian hosts";
        }
        Loaded fds = new Loaded();
        try {
            createAndLoad(fds, 16, 1);
            Bpf.close(AfXdp.openSocket());
            return null;
        } catch (NativeException | RuntimeException | LinkageError e) {
            return e.getMessage();
        } finally {
            fds.closeAll();
        }
    }

    /**
     * {@link #apply(List, List, Set, Set)} with the IPv4 addresses this host's interfaces have
     * now (read through {@link NetworkInterface}) as the director's own addresses.
     */
    public void apply(List<OwnedFlow> flows, List<NatServer> natServers, Set<Integer> arpVips)
            throws NativeException {
        apply(flows, natServers, arpVips, hostAddresses());
    }

    /**
     * Makes the maps hold exactly what these inputs call for: adds the new entries first, then
     * deletes the ones no longer wanted; entries in both are not touched, so their traffic is
     * never passed to the kernel in between. Checks capacity before changing anything; after a
     * failed update the maps hold part of the change and the next call completes it.
     *
     * @param arpVips addresses (host order) whose ARP requests are redirected to jlvs
     * @param localAddresses the director's own addresses (host order): traffic from a NAT real
     *        server to one of them is the director's own (a health check's reply) and stays with
     *        the kernel, as with the nftables guard
     * @throws NativeException a map update that failed
     * @throws IllegalArgumentException more entries than the maps hold
     */
    public synchronized void apply(List<OwnedFlow> flows, List<NatServer> natServers, Set<Integer> arpVips,
                                   Set<Integer> localAddresses) throws NativeException {
        ensureOpen();
        Set<ServiceKey> wantServices = serviceKeys(flows);
        Set<NatKey> wantNat = natKeys(natServers);
        Set<Integer> wantArp = new LinkedHashSet<>(arpVips);
        Set<Integer> wantLocal = new LinkedHashSet<>(localAddresses);
        if (wantServices.size() > maxEntries || wantNat.size() > maxEntries || wantArp.size() > maxEntries
                || wantLocal.size() > maxEntries) {
            throw new IllegalArgumentException("XDP filter on " + interfaceName + ": " + wantServices.size()
                    + " service, " + wantNat.size() + " NAT, " + wantArp.size() + " ARP and " + wantLocal.size()
                    + " local-address entries, more than the " + maxEntries + " each map holds");
        }
        // The director's own addresses first, so a new NAT server never catches its replies to them.
        updateAddresses(localFd, local, wantLocal, "local_addrs");
        value.set(JAVA_INT, 0, 1);
        for (ServiceKey k : wantServices) {
            if (!services.contains(k)) {
                k.write(serviceKey);
                Bpf.mapUpdate(servicesFd, serviceKey, value, Bpf.BPF_ANY, "services");
                services.add(k);
            }
        }
        for (NatKey k : wantNat) {
            if (!nat.contains(k)) {
                k.write(natKey);
                Bpf.mapUpdate(natFd, natKey, value, Bpf.BPF_ANY, "nat_servers");
                nat.add(k);
            }
        }
        updateAddresses(arpFd, arp, wantArp, "arp_vips");
        for (ServiceKey k : new ArrayList<>(services)) {
            if (!wantServices.contains(k)) {
                k.write(serviceKey);
                Bpf.mapDelete(servicesFd, serviceKey, "services");
                services.remove(k);
            }
        }
        for (NatKey k : new ArrayList<>(nat)) {
            if (!wantNat.contains(k)) {
                k.write(natKey);
                Bpf.mapDelete(natFd, natKey, "nat_servers");
                nat.remove(k);
            }
        }
        deleteAddresses(arpFd, arp, wantArp, "arp_vips");
        deleteAddresses(localFd, local, wantLocal, "local_addrs");
    }

    private void updateAddresses(int mapFd, Set<Integer> have, Set<Integer> want, String name)
            throws NativeException {
        value.set(JAVA_INT, 0, 1);
        for (Integer address : want) {
            if (!have.contains(address)) {
                addressKey.set(U32_BE, 0, address);
                Bpf.mapUpdate(mapFd, addressKey, value, Bpf.BPF_ANY, name);
                have.add(address);
            }
        }
    }

    private void deleteAddresses(int mapFd, Set<Integer> have, Set<Integer> want, String name)
            throws NativeException {
        for (Integer address : new ArrayList<>(have)) {
            if (!want.contains(address)) {
                addressKey.set(U32_BE, 0, address);
                Bpf.mapDelete(mapFd, addressKey, name);
                have.remove(address);
            }
        }
    }

    /** The IPv4 addresses of this host's interfaces now, host order (control path: allocates). */
    public static Set<Integer> hostAddresses() throws NativeException {
        Set<Integer> addresses = new LinkedHashSet<>();
        try {
            Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                for (InetAddress a : Collections.list(interfaces.nextElement().getInetAddresses())) {
                    if (a instanceof Inet4Address v4) {
                        addresses.add(Ipv4.of(v4));
                    }
                }
            }
        } catch (SocketException e) {
            throw new NativeException("getifaddrs (listing this host's addresses: " + e.getMessage() + ")",
                    Errno.EINVAL);
        }
        return addresses;
    }

    /** The {@value XdpProgram#SERVICES} entries for {@code flows}: each flow, and ICMP to each distinct prefix. */
    static Set<ServiceKey> serviceKeys(List<OwnedFlow> flows) {
        Set<ServiceKey> keys = new LinkedHashSet<>();
        for (OwnedFlow f : flows) {
            keys.add(new ServiceKey(f.protocol().number(), f.port(), f.address(), f.prefixLength()));
        }
        for (OwnedFlow f : flows) {
            keys.add(new ServiceKey(ICMP, 0, f.address(), f.prefixLength()));
        }
        return keys;
    }

    /** The {@value XdpProgram#NAT_SERVERS} entries: each server, and ICMP from each distinct address. */
    static Set<NatKey> natKeys(List<NatServer> servers) {
        Set<NatKey> keys = new LinkedHashSet<>();
        for (NatServer s : servers) {
            keys.add(new NatKey(s.protocol().number(), s.port(), s.address()));
        }
        for (NatServer s : servers) {
            keys.add(new NatKey(ICMP, 0, s.address()));
        }
        return keys;
    }

    /**
     * Sends the frames the program redirects on RX queue {@code queue} to AF_XDP socket
     * {@code xskFd} (bound to this interface and queue), replacing any socket there. Without a
     * new-flow socket at the queue, its new flows go there too.
     *
     * @throws NativeException the XSKMAP update failed (e.g. the socket is bound elsewhere)
     */
    public synchronized void register(int queue, int xskFd) throws NativeException {
        ensureOpen();
        checkQueue(queue);
        update(XdpProgram.xskSlot(queue, false), xskFd, "xsks[" + queue + "]");
    }

    /**
     * Sends the TCP SYNs to a service that arrive on RX queue {@code queue} to AF_XDP socket
     * {@code xskFd} (bound to this interface and queue, sharing the UMEM of the queue's socket).
     *
     * @throws NativeException the XSKMAP update failed
     */
    public synchronized void registerNewFlows(int queue, int xskFd) throws NativeException {
        ensureOpen();
        checkQueue(queue);
        update(XdpProgram.xskSlot(queue, true), xskFd, "xsks[" + queue + ", new flows]");
    }

    private void update(int slot, int xskFd, String what) throws NativeException {
        queueKey.set(JAVA_INT, 0, slot);
        value.set(JAVA_INT, 0, xskFd);
        Bpf.mapUpdate(xsksFd, queueKey, value, Bpf.BPF_ANY, what);
    }

    /**
     * Registers {@code socket} at its queue, and its new-flow socket when it has one, after
     * checking it is bound to this interface.
     *
     * @throws NativeException the XSKMAP update failed
     * @throws IllegalArgumentException the socket is bound to another interface
     */
    public void register(XskSocket socket) throws NativeException {
        if (socket.ifindex() != ifindex) {
            throw new IllegalArgumentException("the AF_XDP socket is bound to ifindex " + socket.ifindex()
                    + ", not to " + interfaceName + " (ifindex " + ifindex + ")");
        }
        if (socket.newFlowFd() >= 0) {
            registerNewFlows(socket.queue(), socket.newFlowFd());
        }
        register(socket.queue(), socket.fd());
    }

    private void checkQueue(int queue) {
        if (queue < 0 || queue >= maxQueues) {
            throw new IllegalArgumentException("queue must be 0.." + (maxQueues - 1) + ", was " + queue);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("XDP filter on " + interfaceName + " is closed");
        }
    }

    /** Whether the program runs in the driver or after the skb is built. */
    public Bpf.XdpMode mode() {
        return mode;
    }

    /** The interface's name. */
    public String interfaceName() {
        return interfaceName;
    }

    /** The interface's index. */
    public int ifindex() {
        return ifindex;
    }

    /** Entries in the services map now (flows and their ICMP entries). */
    public synchronized int serviceEntries() {
        return services.size();
    }

    /** Entries in the NAT servers map now. */
    public synchronized int natEntries() {
        return nat.size();
    }

    /** Addresses in the local-address map now. */
    public synchronized int localEntries() {
        return local.size();
    }

    /** Addresses in the ARP map now. */
    public synchronized int arpEntries() {
        return arp.size();
    }

    /** Detaches the program (closes the link), then closes it and its maps; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Bpf.close(linkFd);
        Bpf.close(progFd);
        Bpf.close(xsksFd);
        Bpf.close(arpFd);
        Bpf.close(localFd);
        Bpf.close(natFd);
        Bpf.close(servicesFd);
        arena.close();
    }
}
