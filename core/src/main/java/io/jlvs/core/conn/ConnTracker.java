package io.jlvs.core.conn;

import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static io.jlvs.core.conn.ConnTable.F_ASSURED;
import static io.jlvs.core.conn.ConnTable.F_CONTROLLED;
import static io.jlvs.core.conn.ConnTable.F_FWD_SHIFT;
import static io.jlvs.core.conn.ConnTable.F_INACTIVE;
import static io.jlvs.core.conn.ConnTable.F_NOOUTPUT;
import static io.jlvs.core.conn.ConnTable.F_ONE_PACKET;
import static io.jlvs.core.conn.ConnTable.F_RETIRED;
import static io.jlvs.core.conn.ConnTable.F_SOURCE_COUNTED;
import static io.jlvs.core.conn.ConnTable.F_TEMPLATE;
import static io.jlvs.core.conn.ConnTable.FULL;
import static io.jlvs.core.conn.ConnTable.KIND_CONN;
import static io.jlvs.core.conn.ConnTable.KIND_TEMPLATE;

/**
 * The per-packet connection logic the data plane calls: look the connection up; on a
 * miss for a packet that may start one, schedule (through a persistence template when
 * the service is persistent) and insert; on a hit apply the IPVS state transition,
 * re-arm the timer and count the packet (IPVS-SEMANTICS §2).
 *
 * <h2>Rules followed</h2>
 * <ul>
 * <li>New entries start INACTIVE in state NONE with a 3 s placeholder; the first packet's
 * transition sets the real timeout. Every packet re-arms expiry = now + timeout of the
 * (new) state; UDP entries always use the UDP timeout and stay inactive.</li>
 * <li>Entering or leaving the active states (ESTABLISHED, SYN_SENT, SYN_RECV, SYNACK)
 * moves one count between the server's ActiveConn and InActConn; an entry's removal
 * unbinds it once.</li>
 * <li>Persistence: a template keyed (proto, client &amp; netmask, 0, VIP, vport') is
 * reused without calling the scheduler while it lives and its server is AVAILABLE (and
 * not quiesced with {@code expire_quiescent_template}); each new connection re-arms it to
 * the full persistence timeout; it outlives its timeout while it controls connections,
 * and then expires at the next 60 s re-check after the last one ended.</li>
 * <li>A new SYN on an existing entry reschedules as {@code conn_reuse_mode} and
 * {@code expire_nodest_conn} say; packets of a deleted server's connections are
 * dropped, or with {@code expire_nodest_conn} expire the entry.</li>
 * <li>Expired entries are reclaimed lazily by whoever meets them first (exactly once),
 * and by {@link #sweep}, which does bounded work per call.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * {@link #inPacket}, {@link #outPacket}, {@link #packet} and {@link #sweep} are called by
 * workers concurrently: lock-free and allocation-free (schedulers must be too). A packet's
 * outcome is a {@link ConnVerdict}; when it is {@link ConnVerdict#TRACKED} the entry's slot
 * is in the caller's {@link ConnResult} (one per worker, reused), valid until the entry is
 * removed. Time is passed in as {@code nowMs} (the worker's batch clock); expiry is kept in
 * centiseconds.
 */
public final class ConnTracker {
    // Inside the tracker an outcome is an int: a slot (>= 0) or one of these codes. The first
    // ones become a ConnVerdict when a public call returns (verdict()); RESCHEDULE and
    // RACE only tell the lookup loop to try again.
    private static final int NO_CONN = -1;
    private static final int NO_SERVICE = -2;
    private static final int NO_DEST = -3;
    private static final int TABLE_FULL = -4;
    private static final int DEST_DELETED = -5;
    private static final int DEFENSE_DROP = -6;
    private static final int SYN_LIMIT = -7;
    private static final int RESCHEDULE = Integer.MIN_VALUE;
    private static final int RACE = Integer.MIN_VALUE + 1;

    private static final int PROTO_TCP = Ipv4Flyweight.PROTO_TCP;
    private static final int PROTO_UDP = Ipv4Flyweight.PROTO_UDP;
    /** {@code todrop_entry}: an entry touched within this many seconds is never dropped. */
    private static final int TODROP_IDLE_S = 60;
    private static final int ATTEMPTS = 8;
    private static final int CS_PER_S = 100;
    /**
     * Slots from a key's home searched for an embryonic entry to evict when the table is full:
     * the run of occupied slots that the claim has just probed (in cache), at least
     * {@link #EVICT_MIN_SCAN} and at most {@link #EVICT_WINDOW}.
     */
    private static final int EVICT_WINDOW = 64;
    private static final int EVICT_MIN_SCAN = 8;
    private static final int MAX_SOURCE_BUCKETS = 1 << 20;

    private final ConnTable table;
    private final DestinationRegistry registry;
    private final Timeouts timeouts;
    private final ConnSysctls sysctls;
    private final Defense defense;
    private final AtomicLong tableFullDrops = new AtomicLong();
    private final AtomicLong noDestDrops = new AtomicLong();
    private final AtomicLong destDeletedDrops = new AtomicLong();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder fullEvictions = new LongAdder();
    /** Embryonic connections per bucket of client addresses (the per-source limit). */
    private final AtomicIntegerArray embryonicBySource;
    private final int sourceMask;
    private int sweepCursor;
    /** {@code todrop_entry}'s countdown per client-packet count 1..8 (index 0 unused); control thread. */
    private final int[] todropCountdown = new int[9];

    public ConnTracker(ConnTable table, DestinationRegistry registry, Timeouts timeouts, ConnSysctls sysctls) {
        this(table, registry, timeouts, sysctls, new Defense());
    }

    /** A tracker whose table is defended as {@code defense} says. */
    public ConnTracker(ConnTable table, DestinationRegistry registry, Timeouts timeouts, ConnSysctls sysctls,
                       Defense defense) {
        this.table = table;
        this.registry = registry;
        this.timeouts = timeouts;
        this.sysctls = sysctls;
        this.defense = defense;
        this.sweepCursor = table.slotCount() - 1;
        int buckets = Math.min(MAX_SOURCE_BUCKETS, Integer.highestOneBit(Math.max(1, table.capacity())) << 1);
        this.embryonicBySource = new AtomicIntegerArray(buckets);
        this.sourceMask = buckets - 1;
    }

    /** Centiseconds of a millisecond clock, wrapping: the unit of stored expiry times. */
    public static int centis(long nowMs) {
        return (int) (nowMs / 10);
    }

    private static boolean reached(int nowCs, int expiryCs) {
        return nowCs - expiryCs >= 0;
    }

    public ConnTable table() {
        return table;
    }

    /** The table's defence against exhaustion. */
    public Defense defense() {
        return defense;
    }

    public DestinationRegistry registry() {
        return registry;
    }

    /** New connections refused because the table was full. */
    public long tableFullDrops() {
        return tableFullDrops.get();
    }

    /** New connections for which the scheduler found no server. */
    public long noDestDrops() {
        return noDestDrops.get();
    }

    /** Packets dropped because their connection's server was deleted. */
    public long destDeletedDrops() {
        return destDeletedDrops.get();
    }

    // ------------------------------------------------------------------ per packet

    /**
     * A client → server packet. Workers; lock-free, allocation-free.
     *
     * @param service     the virtual service the packet addresses, used on a miss; may be
     *                    {@code null} when there is none
     * @param protocol    IP protocol number (6 TCP, 17 UDP)
     * @param clientAddr  source address, host byte order
     * @param clientPort  source port, host byte order
     * @param vaddr       destination address (the VIP), host byte order
     * @param vport       destination port, host byte order
     * @param tcpFlags    the TCP flags byte (ignored for UDP)
     * @param nowMs       the worker's clock, milliseconds
     * @param result      where the entry's slot is put when the verdict is {@link ConnVerdict#TRACKED}
     * @return what became of the packet
     */
    public ConnVerdict inPacket(TrackedService service, int protocol, int clientAddr, int clientPort, int vaddr,
                                int vport, int tcpFlags, long nowMs, ConnResult result) {
        return verdict(track(service, protocol, clientAddr, clientPort, vaddr, vport, tcpFlags, nowMs), result);
    }

    private int track(TrackedService service, int protocol, int clientAddr, int clientPort, int vaddr,
                      int vport, int tcpFlags, long nowMs) {
        int nowCs = centis(nowMs);
        boolean tcp = protocol == PROTO_TCP;
        boolean syn = (tcpFlags & TcpStateMachine.FLAG_SYN) != 0;
        boolean starts = !tcp || (syn && (tcpFlags & TcpStateMachine.FLAG_RST) == 0);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long ref = table.lookupRef(KIND_CONN, protocol, clientAddr, clientPort, vaddr, vport);
            if (ref >= 0) {
                int slot = ConnTable.slotOf(ref);
                long w = table.control(slot);
                if (!ConnTable.isIncarnation(ref, w) || !current(slot, w, nowCs)) {
                    continue;
                }
                int r = onHit(slot, w, tcp && syn, tcpFlags, nowCs);
                if (r != RESCHEDULE) {
                    return r;
                }
                continue;
            }
            if (!starts) {
                return NO_CONN;
            }
            if (service == null) {
                return NO_SERVICE;
            }
            if (defense.refuseNewConnection()) {
                return DEFENSE_DROP;
            }
            if (tcp && overSourceLimit(clientAddr)) {
                return SYN_LIMIT;
            }
            int c = create(service, protocol, clientAddr, clientPort, vaddr, vport, nowMs, nowCs);
            if (c == RACE) {
                continue;
            }
            if (c >= 0) {
                apply(c, table.control(c), false, tcpFlags, nowCs);
            }
            return c;
        }
        return NO_CONN;
    }

    /**
     * A server → client packet (NAT replies): found by the real-server side of the entry.
     * Workers; lock-free, allocation-free.
     *
     * @param serverAddr source address (the real server), host byte order
     * @param serverPort source port, host byte order
     * @param clientAddr destination address, host byte order
     * @param clientPort destination port, host byte order
     * @param result     where the entry's slot is put when the verdict is {@link ConnVerdict#TRACKED}
     * @return {@link ConnVerdict#TRACKED} or {@link ConnVerdict#NO_CONN}
     */
    public ConnVerdict outPacket(int protocol, int serverAddr, int serverPort, int clientAddr, int clientPort,
                                 int tcpFlags, long nowMs, ConnResult result) {
        return verdict(trackReply(protocol, serverAddr, serverPort, clientAddr, clientPort, tcpFlags, nowMs), result);
    }

    private int trackReply(int protocol, int serverAddr, int serverPort, int clientAddr, int clientPort,
                           int tcpFlags, long nowMs) {
        int nowCs = centis(nowMs);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long ref = table.lookupReplyRef(protocol, serverAddr, serverPort, clientAddr, clientPort);
            if (ref < 0) {
                return NO_CONN;
            }
            int slot = ConnTable.slotOf(ref);
            long w = table.control(slot);
            if (!ConnTable.isIncarnation(ref, w) || !current(slot, w, nowCs)) {
                continue;
            }
            apply(slot, w, true, tcpFlags, nowCs);
            return slot;
        }
        return NO_CONN;
    }

    /**
     * Applies one packet to a live entry: state transition in the entry's view (an
     * OUTPUT packet clears NOOUTPUT), counter moves, timer re-armed, a client packet counted
     * (up to {@link ConnTable#IN_PACKETS_MAX}).
     * Workers; allocation-free.
     *
     * @param output true for server → client
     */
    public void packet(int slot, boolean output, int tcpFlags, long nowMs) {
        apply(slot, table.control(slot), output, tcpFlags, centis(nowMs));
    }

    /** The verdict of an outcome ({@code track}'s or {@code trackReply}'s); a slot goes into {@code result}. */
    private static ConnVerdict verdict(int outcome, ConnResult result) {
        if (outcome >= 0) {
            result.slot(outcome);
            return ConnVerdict.TRACKED;
        }
        result.slot(-1);
        return switch (outcome) {
            case NO_SERVICE -> ConnVerdict.NO_SERVICE;
            case NO_DEST -> ConnVerdict.NO_DEST;
            case TABLE_FULL -> ConnVerdict.TABLE_FULL;
            case DEST_DELETED -> ConnVerdict.DEST_DELETED;
            case DEFENSE_DROP -> ConnVerdict.DEFENSE_DROP;
            case SYN_LIMIT -> ConnVerdict.SYN_LIMIT;
            default -> ConnVerdict.NO_CONN;
        };
    }

    /** Whether the entry read as {@code w} is live and unexpired; an expired one is reclaimed (lazy expiry). */
    private boolean current(int slot, long w, int nowCs) {
        if (!ConnTable.isLive(w)) {
            return false;
        }
        if (reached(nowCs, table.expiryCs(slot))) {
            reclaim(slot, w, nowCs);
            return false;
        }
        return true;
    }

    private int onHit(int slot, long w, boolean tcpSyn, int tcpFlags, int nowCs) {
        Destination dest = registry.destination(table.destIndex(slot));
        if (tcpSyn) {
            int mode = sysctls.connReuseMode();
            if (mode != 0) {
                int flags = ConnTable.flags(w);
                int state = ConnTable.state(w);
                boolean resched;
                if (sysctls.expireNodestConn() && dest.weight() == 0) {
                    resched = true;
                } else {
                    resched = (flags & F_CONTROLLED) == 0
                            && (state == TcpState.TIME_WAIT
                                || ((mode & 2) != 0 && state == TcpState.FIN_WAIT && (flags & F_NOOUTPUT) != 0));
                }
                if (resched) {
                    reclaim(slot, w, nowCs);
                    return RESCHEDULE;
                }
            }
        }
        if (!dest.isAvailable()) {
            if (sysctls.expireNodestConn()) {
                reclaim(slot, w, nowCs);
                return RESCHEDULE;
            }
            destDeletedDrops.incrementAndGet();
            return DEST_DELETED;
        }
        apply(slot, w, false, tcpFlags, nowCs);
        return slot;
    }

    /** Applies a packet to the entry in {@code slot} whose incarnation was read as {@code found}; no-op once it is gone. */
    private void apply(int slot, long found, boolean output, int tcpFlags, int nowCs) {
        int timeoutS;
        if (table.protocol(slot) == PROTO_TCP) {
            for (;;) {
                long w = table.control(slot);
                if (!ConnTable.isLive(w) || !ConnTable.sameIncarnation(found, w)) {
                    return;
                }
                int flags = output ? ConnTable.flags(w) : ConnTable.withInPacket(ConnTable.flags(w));
                int state = ConnTable.state(w);
                int view;
                if ((flags & F_NOOUTPUT) != 0) {
                    if (output) {
                        flags &= ~F_NOOUTPUT;
                        view = TcpStateMachine.OUTPUT;
                    } else {
                        view = TcpStateMachine.INPUT_ONLY;
                    }
                } else {
                    view = output ? TcpStateMachine.OUTPUT : TcpStateMachine.INPUT;
                }
                int next = TcpStateMachine.nextForFlags(view, tcpFlags, state, defense.secureTcp());
                boolean counted = (flags & F_SOURCE_COUNTED) != 0;
                boolean countNow = isEmbryonic(next) && (counted || defense.perSourceSynLimit() > 0);
                if (countNow != counted) {
                    flags ^= F_SOURCE_COUNTED;
                }
                int move = 0;
                if (next != state) {
                    boolean inactive = (flags & F_INACTIVE) != 0;
                    boolean active = TcpState.isActive(next);
                    if (!inactive && !active) {
                        flags |= F_INACTIVE;
                        move = -1;
                    } else if (inactive && active) {
                        flags &= ~F_INACTIVE;
                        move = 1;
                    }
                }
                long updated = ConnTable.withStateFlags(w, next, flags);
                if (updated == w || table.compareAndSetControl(slot, w, updated)) {
                    if (countNow != counted) {
                        embryonicBySource.getAndAdd(sourceBucket(table.caddr(slot)), countNow ? 1 : -1);
                    }
                    if (move != 0) {
                        Destination d = registry.destination(table.destIndex(slot));
                        if (move > 0) {
                            d.inactiveToActive();
                        } else {
                            d.activeToInactive();
                        }
                    }
                    if (next != state && next == TcpState.ESTABLISHED && (flags & F_CONTROLLED) != 0) {
                        assure(table.link(slot));
                    }
                    timeoutS = defense.timeoutS(next, timeouts.tcpS(next));
                    break;
                }
            }
        } else {
            timeoutS = timeouts.udpS();
            if (output) {
                if ((ConnTable.flags(table.control(slot)) & F_CONTROLLED) != 0) {
                    assure(table.link(slot));
                }
            } else {
                countInPacket(slot, found);
            }
        }
        table.expiryCs(slot, nowCs + timeoutS * CS_PER_S);
    }

    /**
     * Counts a client → server packet in the entry's flags while the count is below its maximum
     * (UDP; TCP counts in its state CAS).
     */
    private void countInPacket(int slot, long found) {
        for (;;) {
            long w = table.control(slot);
            if (!ConnTable.isLive(w) || !ConnTable.sameIncarnation(found, w)) {
                return;
            }
            int flags = ConnTable.flags(w);
            int counted = ConnTable.withInPacket(flags);
            if (counted == flags
                    || table.compareAndSetControl(slot, w, ConnTable.withStateFlags(w, ConnTable.state(w), counted))) {
                return;
            }
        }
    }

    /** Marks a template ASSURED (once one of its connections is established, or a UDP reply is seen). */
    private void assure(int template) {
        setFlag(template, F_ASSURED);
    }

    /** Sets a flag on a live entry (a CAS loop; no-op when set or the entry is gone). */
    private void setFlag(int slot, int flag) {
        for (;;) {
            long w = table.control(slot);
            int flags = ConnTable.flags(w);
            if (!ConnTable.isLive(w) || (flags & flag) != 0) {
                return;
            }
            if (table.compareAndSetControl(slot, w, ConnTable.withStateFlags(w, ConnTable.state(w), flags | flag))) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ creation

    private int create(TrackedService service, int protocol, int caddr, int cport, int vaddr, int vport,
                       long nowMs, int nowCs) {
        int template = -1;
        Destination dest = null;
        int destIndex = -1;
        if (service.isPersistent()) {
            template = persistentTemplate(service, protocol, caddr, cport, vaddr, vport, nowMs, nowCs);
            if (template < 0) {
                return template;
            }
            destIndex = table.destIndex(template);
            dest = registry.destination(destIndex);
        }
        int c = claimEvicting(KIND_CONN, protocol, caddr, cport, vaddr, vport, nowCs);
        if (c < 0) {
            if (template >= 0) {
                releaseControl(template, nowCs, nowCs);
            }
            if (c == FULL) {
                tableFullDrops.incrementAndGet();
                return TABLE_FULL;
            }
            return RACE;
        }
        if (template < 0) {
            dest = service.scheduler().schedule(caddr, cport, vaddr, vport, nowMs);
            destIndex = dest == null ? -1 : registry.index(dest);
            if (destIndex < 0) {
                table.abort(c);
                noDestDrops.incrementAndGet();
                return NO_DEST;
            }
        }
        ForwardingMethod method = dest.method();
        int dport = dest.port() == 0 ? vport : dest.port();
        int flags = (method.kernelCode() << F_FWD_SHIFT) | F_INACTIVE
                | (method == ForwardingMethod.MASQ ? 0 : F_NOOUTPUT)
                | (template >= 0 ? F_CONTROLLED : 0)
                | (service.isOnePacket() && protocol == PROTO_UDP ? F_ONE_PACKET : 0);
        table.fill(c, destIndex, dest.addr(), dport, template, nowCs + Timeouts.NEW_CONN_S * CS_PER_S);
        dest.bindConn(false, false);
        if (!table.publish(c, TcpState.NONE, flags, method == ForwardingMethod.MASQ)) {
            dest.unbindConn(false, false);
            if (template >= 0) {
                releaseControl(template, nowCs, nowCs);
            }
            tableFullDrops.incrementAndGet();
            return TABLE_FULL;
        }
        return c;
    }

    /** The live template for this client (attached: its controlled count includes us), or a verdict. */
    private int persistentTemplate(TrackedService service, int protocol, int caddr, int cport, int vaddr,
                                   int vport, long nowMs, int nowCs) {
        boolean fwmark = service.fwmark() != 0;
        int tProto = fwmark ? 0 : protocol;
        int tAddr = fwmark ? service.fwmark() : vaddr;
        int tPort = service.templatePort();
        int snet = caddr & service.netmask();
        int persistCs = service.persistTimeoutS() * CS_PER_S;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long ref = table.lookupRef(KIND_TEMPLATE, tProto, snet, 0, tAddr, tPort);
            if (ref >= 0) {
                int t = ConnTable.slotOf(ref);
                long w = table.control(t);
                if (!ConnTable.isIncarnation(ref, w)) {
                    continue;
                }
                if (reached(nowCs, table.expiryCs(t)) && table.link(t) == 0) {
                    reclaimTemplate(t, nowCs, false);
                    continue;
                }
                Destination d = registry.destination(table.destIndex(t));
                if (!d.isAvailable() || (sysctls.expireQuiescentTemplate() && d.weight() == 0)) {
                    retire(t);
                    continue;
                }
                if (!attach(t)) {
                    continue;
                }
                table.expiryCs(t, nowCs + persistCs);
                return t;
            }
            int c = claimEvicting(KIND_TEMPLATE, tProto, snet, 0, tAddr, tPort, nowCs);
            if (c == FULL) {
                tableFullDrops.incrementAndGet();
                return TABLE_FULL;
            }
            if (c < 0) {
                continue;
            }
            Destination d = service.scheduler().schedule(caddr, cport, vaddr, vport, nowMs);
            int index = d == null ? -1 : registry.index(d);
            if (index < 0) {
                table.abort(c);
                noDestDrops.incrementAndGet();
                return NO_DEST;
            }
            table.fill(c, index, d.addr(), tPort == 0 ? 0 : d.port(), 1, nowCs + persistCs);
            d.bindConn(true, false);
            table.publish(c, TcpState.NONE, F_TEMPLATE | (d.method().kernelCode() << F_FWD_SHIFT), false);
            return c;
        }
        noDestDrops.incrementAndGet();
        return NO_DEST;
    }

    /**
     * Claims a slot for a key; when the table is full and {@code drop_entry} is not 0, evicts
     * the embryonic entry nearest its expiry among the slots from the key's home (see
     * {@link #EVICT_WINDOW}) and claims again (a few times: other workers may take the room first).
     */
    private int claimEvicting(int kind, int protocol, int caddr, int cport, int vaddr, int vport, int nowCs) {
        int c = table.claim(kind, protocol, caddr, cport, vaddr, vport);
        for (int attempt = 0; c == FULL && attempt < ATTEMPTS && defense.evictWhenFull(); attempt++) {
            if (!evictEmbryonicNear(table.homeSlot(kind, protocol, caddr, cport, vaddr, vport), nowCs)) {
                return FULL;
            }
            fullEvictions.increment();
            c = table.claim(kind, protocol, caddr, cport, vaddr, vport);
        }
        return c;
    }

    /** Evicts the evictable entry with the earliest expiry in the window from {@code home}; whether one went. */
    private boolean evictEmbryonicNear(int home, int nowCs) {
        int slots = table.slotCount();
        for (int tries = 0; tries < ATTEMPTS; tries++) {
            int best = -1;
            long bestWord = 0;
            int bestLeft = Integer.MAX_VALUE;
            int slot = home;
            for (int n = 0; n < EVICT_WINDOW && n < slots; n++) {
                long w = table.control(slot);
                if (n >= EVICT_MIN_SCAN && ConnTable.life(w) == ConnTable.EMPTY && best >= 0) {
                    break;
                }
                if (isEvictable(slot, w)) {
                    int left = table.expiryCs(slot) - nowCs;
                    if (left < bestLeft) {
                        best = slot;
                        bestWord = w;
                        bestLeft = left;
                    }
                }
                slot = slot + 1 == slots ? 0 : slot + 1;
            }
            if (best < 0) {
                return false;
            }
            if (evict(best, bestWord, nowCs)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the entry read as {@code w} may be evicted by the defence: a live embryonic TCP
     * connection (SYN_RECV, SYNACK), under a persistence template or not, as the kernel's
     * {@code ip_vs_random_dropentry} takes them; and, beyond the kernel (whose templates cost
     * memory, not places in a table of fixed size), a template that controls no connection and
     * was never assured (none of its connections got established: a flood's). Never an
     * established connection, nor the template of a client that had one.
     */
    private boolean isEvictable(int slot, long w) {
        if (!ConnTable.isLive(w)) {
            return false;
        }
        int flags = ConnTable.flags(w);
        if ((flags & F_TEMPLATE) != 0) {
            return (flags & F_ASSURED) == 0 && table.link(slot) == 0;
        }
        return isEmbryonic(ConnTable.state(w)) && table.protocol(slot) == PROTO_TCP;
    }

    /** Removes an entry {@link #isEvictable} or {@link #isIdleUdpToDrop} chose; whether this caller did. */
    private boolean evict(int slot, long w, int nowCs) {
        return (ConnTable.flags(w) & F_TEMPLATE) != 0 ? reclaimTemplate(slot, nowCs, true) : reclaim(slot, w, nowCs);
    }

    private static boolean isEmbryonic(int state) {
        return state == TcpState.SYN_RECV || state == TcpState.SYNACK;
    }

    private int sourceBucket(int clientAddr) {
        int h = clientAddr * 0x9E3779B1;
        return (h ^ (h >>> 16)) & sourceMask;
    }

    private boolean overSourceLimit(int clientAddr) {
        int limit = defense.perSourceSynLimit();
        return limit > 0 && embryonicBySource.get(sourceBucket(clientAddr)) >= limit;
    }

    /**
     * Embryonic connections counted against {@code clientAddr}'s per-source limit (shared with
     * the addresses of its bucket: at most one in {@code 2 × capacity} others).
     */
    public int embryonicFrom(int clientAddr) {
        return embryonicBySource.get(sourceBucket(clientAddr));
    }

    private boolean attach(int template) {
        for (;;) {
            int n = table.link(template);
            if (n < 0) {
                return false;
            }
            if (table.compareAndSetLink(template, n, n + 1)) {
                return true;
            }
        }
    }

    /** A template failed its check: it is no longer found by key, and lingers until it expires. */
    private void retire(int template) {
        setFlag(template, F_RETIRED);
    }

    /**
     * A controlled connection ended at {@code endCs}: detach it from its template. When it
     * was the last one and the template's timer is past, the template expires at the
     * next 60 s re-check after {@code endCs}, or now if that is already past.
     */
    private void releaseControl(int template, int endCs, int nowCs) {
        int before = table.expiryCs(template);
        if (table.addLink(template, -1) != 0) {
            return;
        }
        int expiry = before;
        if (endCs - before > 0) {
            int recheckCs = Timeouts.TEMPLATE_RECHECK_S * CS_PER_S;
            expiry = before + (endCs - before + recheckCs - 1) / recheckCs * recheckCs;
            if (table.expiryCs(template) == before) {
                table.expiryCs(template, expiry);
            }
        }
        if (reached(nowCs, expiry)) {
            reclaimTemplate(template, nowCs, false);
        }
    }

    // ------------------------------------------------------------------ removal

    /**
     * Ends a one-packet connection ({@link ConnTable#F_ONE_PACKET}) once its datagram has been
     * handled, as the kernel expires an {@code IP_VS_CONN_F_ONE_PACKET} connection when its
     * packet has gone: the server's counts and the template's control are undone, and the next
     * datagram of the flow is scheduled anew. Nothing for any other entry. Workers;
     * allocation-free.
     */
    public void endOnePacket(int slot, long nowMs) {
        long w = table.control(slot);
        if (ConnTable.isLive(w) && (ConnTable.flags(w) & F_ONE_PACKET) != 0) {
            reclaim(slot, w, centis(nowMs));
        }
    }

    /**
     * Removes a live connection or template whose control word is {@code w}, if this
     * caller wins the removal; undoes its accounting exactly once.
     */
    private boolean reclaim(int slot, long w, int nowCs) {
        if ((ConnTable.flags(w) & F_TEMPLATE) != 0) {
            return reclaimTemplate(slot, nowCs, false);
        }
        if (!table.beginRemove(slot, w)) {
            return false;
        }
        int flags = ConnTable.flags(w);
        if ((flags & F_SOURCE_COUNTED) != 0) {
            embryonicBySource.getAndDecrement(sourceBucket(table.caddr(slot)));
        }
        Destination d = registry.destination(table.destIndex(slot));
        d.unbindConn(false, (flags & F_INACTIVE) == 0);
        if ((flags & F_CONTROLLED) != 0) {
            int expiry = table.expiryCs(slot);
            releaseControl(table.link(slot), reached(nowCs, expiry) ? expiry : nowCs, nowCs);
        }
        table.finishRemove(slot);
        return true;
    }

    /**
     * Removes a template that controls no connection (its count closed at -1 first): once it has
     * expired, or at once when the defence {@code evicts} it.
     */
    private boolean reclaimTemplate(int slot, int nowCs, boolean evict) {
        if (!table.compareAndSetLink(slot, 0, -1)) {
            return false;
        }
        if (!evict && !reached(nowCs, table.expiryCs(slot))) {
            table.compareAndSetLink(slot, -1, 0);
            return false;
        }
        for (;;) {
            long w = table.control(slot);
            if (!ConnTable.isLive(w)) {
                return false;
            }
            if (table.beginRemove(slot, w)) {
                registry.destination(table.destIndex(slot)).unbindConn(true, false);
                table.finishRemove(slot);
                return true;
            }
        }
    }

    /**
     * Expiry sweep: examines up to {@code maxSlots} slots from where the last call stopped
     * (walking downwards, so runs of tombstones clear in one pass), removes expired
     * entries and clears tombstones. One thread at a time; allocation-free.
     *
     * @return entries removed
     */
    public int sweep(long nowMs, int maxSlots) {
        int nowCs = centis(nowMs);
        int cursor = sweepCursor;
        int removed = 0;
        boolean shorten = defense.underPressure();
        int shortCs = defense.pressureSynRecvSeconds() * CS_PER_S;
        int n = Math.min(maxSlots, table.slotCount());
        for (int k = 0; k < n; k++) {
            long w = table.control(cursor);
            if (ConnTable.isLive(w)) {
                int expiry = table.expiryCs(cursor);
                if (reached(nowCs, expiry)) {
                    boolean template = (ConnTable.flags(w) & F_TEMPLATE) != 0;
                    if (template ? table.link(cursor) == 0 && reclaimTemplate(cursor, nowCs, false) : reclaim(cursor, w, nowCs)) {
                        removed++;
                    }
                } else if (shorten && expiry - nowCs > shortCs && (ConnTable.flags(w) & F_TEMPLATE) == 0
                        && isEmbryonic(ConnTable.state(w)) && table.protocol(cursor) == PROTO_TCP) {
                    // Under pressure an embryonic entry armed before it lives no longer than one
                    // that enters SYN_RECV now (a packet racing with this write re-arms it).
                    table.expiryCs(cursor, nowCs + shortCs);
                }
            } else if (table.isTombstone(cursor)) {
                table.clearTombstone(cursor);
            }
            cursor = cursor == 0 ? table.slotCount() - 1 : cursor - 1;
        }
        sweepCursor = cursor;
        return removed;
    }

    /**
     * The defence's once-a-second work, as the kernel's defence timer does it: updates the
     * levels from the table's free entries and, while {@code drop_entry} is in effect, evicts
     * embryonic TCP connections (SYN_RECV, SYNACK, not controlled by a template) found at
     * {@code probes} random slots, as {@code ip_vs_random_dropentry} does; established entries
     * are never evicted. Control thread; allocation-free.
     *
     * @return entries evicted
     */
    public int defend(long nowMs, int probes) {
        defense.update(table.capacity() - table.size());
        if (!defense.dropEntryArmed()) {
            return 0;
        }
        return dropEntries(nowMs, probes);
    }

    /**
     * Evicts, at {@code probes} random slots, the embryonic TCP connections found and the UDP
     * entries the kernel's {@code todrop_entry} would drop ({@link #isIdleUdpToDrop}); see
     * {@link #defend}. Control thread (one at a time).
     */
    public int dropEntries(long nowMs, int probes) {
        int nowCs = centis(nowMs);
        int slots = table.slotCount();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int evicted = 0;
        for (int k = 0; k < probes; k++) {
            int slot = random.nextInt(slots);
            long w = table.control(slot);
            if ((isEvictable(slot, w) || isIdleUdpToDrop(slot, w, nowCs)) && evict(slot, w, nowCs)) {
                evicted++;
            }
        }
        evictions.add(evicted);
        return evicted;
    }

    /**
     * The kernel's {@code todrop_entry} for a UDP connection met by the random drop: one idle for
     * a minute or more (its expiry at least 60 s nearer than a packet now would set it) that saw 1
     * to 8 client packets is dropped once in that many times it is met, by a countdown per packet
     * count. Templates are never dropped. The idle time is read against the UDP timeout in force
     * now (the table keeps no per-entry timeout), so right after an {@code ipvsadm --set} it is off
     * by the change. TCP entries are left to {@link #isEvictable}: established ones are never
     * dropped, unlike the kernel, which drops those with few packets too.
     */
    private boolean isIdleUdpToDrop(int slot, long w, int nowCs) {
        if (!ConnTable.isLive(w) || (ConnTable.flags(w) & F_TEMPLATE) != 0 || table.protocol(slot) != PROTO_UDP) {
            return false;
        }
        int sinceTouchCs = nowCs - (table.expiryCs(slot) - timeouts.udpS() * CS_PER_S);
        if (sinceTouchCs < TODROP_IDLE_S * CS_PER_S) {
            return false;
        }
        int packets = ConnTable.inPackets(ConnTable.flags(w));
        if (packets < 1 || packets >= todropCountdown.length) {
            return false;
        }
        if (--todropCountdown[packets] > 0) {
            return false;
        }
        todropCountdown[packets] = packets;
        return true;
    }

    /**
     * Entries evicted by {@code drop_entry} so far (see {@link #isEvictable}, {@link #isIdleUdpToDrop}):
     * at random once a second, and for new connections that found the table full.
     */
    public long defenseEvictions() {
        return evictions.sum() + fullEvictions.sum();
    }

    /**
     * Removes every connection (not template) bound to {@code dest}, as the kernel's flush
     * of an unavailable server's connections does. Control thread or sweeper; walks the
     * whole table, tolerating concurrent changes.
     *
     * @return connections removed
     */
    public int expireConnsOf(Destination dest, long nowMs) {
        int index = registry.indexOf(dest);
        if (index < 0) {
            return 0;
        }
        int nowCs = centis(nowMs);
        int removed = 0;
        for (int slot = 0; slot < table.slotCount(); slot++) {
            long w = table.control(slot);
            if (ConnTable.isLive(w) && (ConnTable.flags(w) & F_TEMPLATE) == 0
                    && table.destIndex(slot) == index && ConnTable.sameIncarnation(w, table.control(slot))
                    && reclaim(slot, w, nowCs)) {
                removed++;
            }
        }
        return removed;
    }

    // ------------------------------------------------------------------ entry accessors

    /** TCP state of an entry ({@link TcpState}). */
    public int state(int slot) {
        return ConnTable.state(table.control(slot));
    }

    /** Flags of an entry ({@code ConnTable.F_*}). */
    public int flags(int slot) {
        return ConnTable.flags(table.control(slot));
    }

    /** Milliseconds until the entry expires, at {@code nowMs}. */
    public long remainingMs(int slot, long nowMs) {
        return (long) (table.expiryCs(slot) - centis(nowMs)) * 10 - nowMs % 10;
    }

    /** The entry's real server. */
    public Destination destination(int slot) {
        return registry.destination(table.destIndex(slot));
    }

    /** The live template for a client of a persistent service, or -1 (test and listing aid). */
    public int findTemplate(TrackedService service, int protocol, int clientAddr, int vaddr) {
        boolean fwmark = service.fwmark() != 0;
        return table.lookup(KIND_TEMPLATE, fwmark ? 0 : protocol, clientAddr & service.netmask(), 0,
                fwmark ? service.fwmark() : vaddr, service.templatePort());
    }
}
