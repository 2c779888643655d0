package io.jlvs.dataplane.pipeline;

import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.ConnVerdict;
import io.jlvs.core.conn.TrackedService;
import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.TransportFlyweight;
import io.jlvs.core.packet.Verdict;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.dataplane.forward.DirectRouteRewriter;
import io.jlvs.dataplane.forward.ForwardVerdict;
import io.jlvs.dataplane.forward.ForwardingCounters;
import io.jlvs.dataplane.forward.FragmentBuffer;
import io.jlvs.dataplane.forward.IcmpErrorWriter;
import io.jlvs.dataplane.forward.IcmpQuote;
import io.jlvs.dataplane.forward.NatRewriter;
import io.jlvs.dataplane.forward.PartialChecksum;
import io.jlvs.dataplane.forward.ReplyBuffer;
import io.jlvs.dataplane.forward.TunnelRewriter;
import io.jlvs.dataplane.service.ServiceSnapshot;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.TrafficCounters;
import io.jlvs.dataplane.sys.AfPacket;

import java.lang.foreign.MemorySegment;

/**
 * One worker's packet path: what happens to each frame its RX rings hand over.
 *
 * <ol>
 *   <li>Parse (Ethernet, VLAN, IPv4, TCP/UDP/ICMP). Malformed: dropped with the parser's
 *       reason. ARP: to the {@link ArpHandler}. Not IPv4 TCP/UDP/ICMP, or a fragment:
 *       passed (the kernel sees the same frame).</li>
 *   <li>TCP/UDP to a VIP: service lookup in the current {@link ServiceSnapshot} (exact,
 *       then the port-0 service), then {@link ConnTracker#inPacket}, which schedules a new
 *       connection for a TCP SYN or any UDP datagram. A hit is counted in the service and
 *       real-server counters, its partial checksum completed if the frame carries
 *       {@code TP_STATUS_CSUMNOTREADY}, and rewritten by the connection's method: DR (real
 *       server's MAC), NAT (RIP:rport, next hop's MAC) or TUN (IPIP from the director's
 *       address on the outgoing interface), then sent. A datagram of a one-packet service
 *       ({@code -o}) then ends its connection ({@link ConnTracker#endOnePacket}).
 *       No real server: ICMP port unreachable to the client. No connection for a non-SYN:
 *       passed. Table full, server deleted: dropped.</li>
 *   <li>TCP/UDP from a NAT real server: {@link ConnTracker#outPacket}; a hit is rewritten
 *       to VIP:vport and sent to the client's next hop.</li>
 *   <li>ICMP errors (types 3, 4, 11) quoting a tracked connection (IPVS-SEMANTICS &sect;3.4):
 *       about a packet to the client, sent to a VIP: forwarded by the connection's method
 *       (NAT: to RIP with the quote rewritten); from a NAT real server: rewritten to come from
 *       the VIP. Other ICMP is passed.</li>
 * </ol>
 * Frames are rewritten in place; a TUN frame grows 20 bytes into the headroom in front of it
 * (the {@code tpacket3_hdr} area in an RX ring, whose fields the ring has read by then).
 * ICMP errors are written into a scratch buffer and sent out of the interface the frame
 * came in on.
 *
 * <p>Owned by one worker thread. {@link #process} allocates nothing, takes no lock, throws
 * nothing and logs nothing; every outcome is counted ({@link PipelineCounters}, the parser's
 * drop counts, {@link ForwardingCounters}). The service snapshot is re-read only by
 * {@link #refresh()}, which the worker calls between batches; the clock is the batch's. What
 * one frame carries from step to step (ingress, clock, checksum state, the tracker's entry, the
 * next hop) is a {@link PacketContext}, reused for every frame and passed as an argument.
 */
public final class Pipeline {
    private static final int REPLY_BUFFER_BYTES = 2048;
    private static final int FRAGMENT_SLOTS = 48;
    private static final int FRAGMENT_SLOT_BYTES = 2048;
    private static final int CODE_PORT_UNREACHABLE = 3;

    private final ConnTracker tracker;
    private final ConnTable table;
    private final ServiceTable services;
    private final TrafficCounters traffic;
    private final Port[] ports;
    private final FrameSink[] sinks;
    private final NextHops nextHops;
    private final ArpHandler arp;
    private final IpOutput kernelOutput;

    private final PacketParser parser = new PacketParser();
    private final PipelineCounters counters = new PipelineCounters();
    private final ForwardingCounters forwarding = new ForwardingCounters();
    private final IcmpErrorWriter icmpErrors;
    private final DirectRouteRewriter dr;
    private final NatRewriter nat;
    private final TunnelRewriter tun;
    private final IcmpQuote quote = new IcmpQuote();
    private final ReplyBuffer reply = new ReplyBuffer();
    private final MemorySegment replySegment = MemorySegment.ofArray(new byte[REPLY_BUFFER_BYTES]);
    private final FragmentBuffer fragments = new FragmentBuffer(FRAGMENT_SLOTS);
    private final PacketContext context = new PacketContext();

    private ServiceSnapshot snapshot;

    /**
     * A pipeline for one worker.
     *
     * @param workerId the worker's number (spreads IP identifications between workers)
     * @param tracker the shared connection tracker
     * @param services the service table whose snapshot {@link #refresh()} reads
     * @param traffic this worker's service and real-server counters
     * @param ports the worker's interfaces; frames are sent through {@code sinks} of the same index
     * @param sinks one sink per port
     * @param nextHops next-hop MACs and interfaces
     * @param arp what to do with ARP frames
     */
    public Pipeline(int workerId, ConnTracker tracker, ServiceTable services, TrafficCounters traffic, Port[] ports,
            FrameSink[] sinks, NextHops nextHops, ArpHandler arp) {
        this(workerId, tracker, services, traffic, ports, sinks, nextHops, arp, IpOutput.NONE);
    }

    /**
     * As above, with the kernel's IP output for packets whose next hop has no known MAC yet
     * (counted as {@link PipelineReason#KERNEL_ROUTED}); without it they are dropped
     * ({@link PipelineReason#NO_NEXT_HOP}).
     */
    public Pipeline(int workerId, ConnTracker tracker, ServiceTable services, TrafficCounters traffic, Port[] ports,
            FrameSink[] sinks, NextHops nextHops, ArpHandler arp, IpOutput kernelOutput) {
        if (ports.length == 0 || ports.length != sinks.length) {
            throw new IllegalArgumentException("need one sink per port, got " + ports.length + " ports and "
                    + sinks.length + " sinks");
        }
        this.tracker = tracker;
        this.table = tracker.table();
        this.services = services;
        this.traffic = traffic;
        this.ports = ports.clone();
        this.sinks = sinks.clone();
        this.nextHops = nextHops;
        this.arp = arp;
        this.kernelOutput = kernelOutput;
        int firstId = (workerId * 0x2F1B) & 0xFFFF;
        this.icmpErrors = new IcmpErrorWriter(firstId);
        this.dr = new DirectRouteRewriter(forwarding, icmpErrors);
        this.nat = new NatRewriter(forwarding, icmpErrors);
        this.tun = new TunnelRewriter(forwarding, icmpErrors, firstId ^ 0x8000);
        MemorySegment fragmentSegment = MemorySegment.ofArray(new byte[FRAGMENT_SLOTS * FRAGMENT_SLOT_BYTES]);
        fragments.wrap(fragmentSegment, 0, FRAGMENT_SLOT_BYTES);
        dr.fragmentInto(fragments);
        nat.fragmentInto(fragments);
        tun.fragmentInto(fragments);
        refresh();
    }

    /** Picks up the service table's current snapshot. The worker calls it between batches. */
    public void refresh() {
        snapshot = services.snapshot();
    }

    /** The snapshot in use. */
    public ServiceSnapshot snapshot() {
        return snapshot;
    }

    /** The connection table this pipeline tracks connections in. */
    public ConnTable table() {
        return table;
    }

    /** Verdict and reason counters. */
    public PipelineCounters counters() {
        return counters;
    }

    /** The rewriters' counters. */
    public ForwardingCounters forwardingCounters() {
        return forwarding;
    }

    /** The parser, for its drop counts. */
    public PacketParser parser() {
        return parser;
    }

    /** Counts a frame the ring captured shorter than it was on the wire, which is dropped unseen. */
    public PipelineVerdict dropTruncated() {
        return drop(PipelineReason.TRUNCATED_CAPTURE);
    }

    /** Counts a frame whose handling threw as dropped ({@link PipelineReason#WORKER_ERROR}). */
    public PipelineVerdict dropWorkerError() {
        return drop(PipelineReason.WORKER_ERROR);
    }

    /**
     * Handles one frame, in place.
     *
     * @param port index of the interface it came in on
     * @param segment memory holding the frame (an RX ring, or a test buffer); up to 20 bytes
     *        before {@code offset} may be overwritten when a TUN frame grows
     * @param offset where the Ethernet header starts
     * @param lengthBytes the frame's length
     * @param tpStatus the ring's {@code tp_status} bits ({@code TP_STATUS_CSUMNOTREADY} matters)
     * @param nowMs the batch's clock, milliseconds
     */
    public PipelineVerdict process(int port, MemorySegment segment, long offset, int lengthBytes, int tpStatus,
            long nowMs) {
        PacketContext c = context;
        c.begin(port, offset, tpStatus, nowMs);
        Verdict verdict = parser.parse(segment, offset, lengthBytes);
        if (verdict != Verdict.DROP && ((tpStatus & AfPacket.TP_STATUS_VLAN_VALID) != 0
                || parser.l3Offset() - offset != EthernetFlyweight.HEADER_LENGTH)) {
            return pass(PipelineReason.VLAN_TAGGED);
        }
        switch (verdict) {
            case IPV4_TCP:
                return transport(c, true);
            case IPV4_UDP:
                return transport(c, false);
            case IPV4_ICMP:
                return icmp(c);
            case ARP:
                if (arp.onArp(port, parser, sinks[port])) {
                    counters.count(PipelineReason.ARP_ANSWERED);
                    return verdict(PipelineVerdict.REPLIED);
                }
                return pass(PipelineReason.ARP);
            case DROP:
                counters.countMalformed(parser.dropReason());
                return drop(PipelineReason.MALFORMED);
            case IPV4_FRAGMENT:
                return pass(PipelineReason.FRAGMENT);
            default:
                return pass(PipelineReason.NOT_IPV4_TRANSPORT);
        }
    }

    private PipelineVerdict transport(PacketContext c, boolean tcp) {
        Ipv4Flyweight ip = parser.ipv4();
        TransportFlyweight l4 = tcp ? parser.tcp() : parser.udp();
        int protocol = ip.protocol();
        int source = ip.sourceAddress();
        int destination = ip.destinationAddress();
        int sourcePort = l4.sourcePort();
        int destinationPort = l4.destinationPort();
        int flags = tcp ? parser.tcp().flags() : 0;
        int lengthBytes = ip.totalLength();
        ServiceSnapshot s = snapshot;
        ConnVerdict result = ConnVerdict.NO_SERVICE;
        TrackedService service = s.lookup(protocol, destination, destinationPort);
        if (service != null || s.isVirtualAddress(destination)) {
            if (isMartianSource(source)) {
                return drop(PipelineReason.MARTIAN_SOURCE);
            }
            if (s.isVirtualAddress(source)) {
                return drop(PipelineReason.LAND);
            }
            result = tracker.inPacket(service, protocol, source, sourcePort, destination, destinationPort, flags,
                    c.nowMs(), c.conn);
            switch (result) {
                case TRACKED:
                    boolean mayBeNew = !tcp || (flags & TcpFlyweight.SYN) != 0;
                    int slot = c.conn.slot();
                    PipelineVerdict verdict = inbound(c, slot, lengthBytes, mayBeNew);
                    if (!tcp) {
                        tracker.endOnePacket(slot, c.nowMs());
                    }
                    return verdict;
                case NO_DEST:
                    return portUnreachable(c, destination);
                case TABLE_FULL:
                    return drop(PipelineReason.TABLE_FULL);
                case DEFENSE_DROP:
                    return drop(PipelineReason.DEFENSE_DROP);
                case SYN_LIMIT:
                    return drop(PipelineReason.SYN_LIMIT);
                case DEST_DELETED:
                    return drop(PipelineReason.DEST_DELETED);
                default:
                    break;
            }
        }
        if (s.isNatServerAddress(source) && tracker.outPacket(protocol, source, sourcePort, destination,
                destinationPort, flags, c.nowMs(), c.conn) == ConnVerdict.TRACKED) {
            return outbound(c, c.conn.slot(), lengthBytes);
        }
        return pass(result == ConnVerdict.NO_CONN ? PipelineReason.NO_CONN : PipelineReason.NO_SERVICE);
    }

    /**
     * Whether the kernel would drop a packet from {@code address} as a martian source before
     * IPVS sees it ({@code ip_route_input_slow}): this network (0/8), loopback (127/8),
     * multicast (224/4) or the limited broadcast.
     */
    static boolean isMartianSource(int address) {
        int top = address >>> 24;
        return top == 0 || top == 127 || (address >>> 28) == 0xE || address == -1;
    }

    private PipelineVerdict icmp(PacketContext c) {
        if (!quote.wrap(parser)) {
            return pass(PipelineReason.ICMP_UNRELATED);
        }
        Ipv4Flyweight ip = parser.ipv4();
        ServiceSnapshot s = snapshot;
        int protocol = quote.protocol();
        int lengthBytes = ip.totalLength();
        // The entry is not touched by an ICMP error, so it may be expiring: it is used only if the
        // slot still holds the incarnation the lookup found (not a connection that reused it since).
        if (s.isVirtualAddress(ip.destinationAddress())) {
            long ref = table.lookupRef(ConnTable.KIND_CONN, protocol, quote.lookupSourceAddress(),
                    quote.lookupSourcePort(), quote.lookupDestinationAddress(), quote.lookupDestinationPort());
            if (isCurrent(ref)) {
                return inbound(c, ConnTable.slotOf(ref), lengthBytes, false);
            }
        }
        if (s.isNatServerAddress(ip.sourceAddress())) {
            long ref = table.lookupReplyRef(protocol, quote.lookupSourceAddress(), quote.lookupSourcePort(),
                    quote.lookupDestinationAddress(), quote.lookupDestinationPort());
            if (isCurrent(ref)) {
                return outbound(c, ConnTable.slotOf(ref), lengthBytes);
            }
        }
        return pass(PipelineReason.ICMP_UNRELATED);
    }

    /** Whether {@code ref} (a lookup's result, or negative) still names a live entry in its slot. */
    private boolean isCurrent(long ref) {
        return ref >= 0 && ConnTable.isIncarnation(ref, table.control(ConnTable.slotOf(ref)));
    }

    /** A client-side packet of connection {@code slot}: count it, rewrite it by the connection's method, send it. */
    private PipelineVerdict inbound(PacketContext c, int slot, int lengthBytes, boolean mayBeNew) {
        int destinationIndex = table.destIndex(slot);
        int service = snapshot.serviceOf(destinationIndex);
        if (service >= 0) {
            if (mayBeNew && ConnTable.inPackets(ConnTable.flags(table.control(slot))) == 1) {
                traffic.connection(service, destinationIndex);
            }
            traffic.in(service, destinationIndex, lengthBytes);
        }
        ForwardingMethod method = ConnTable.method(table.control(slot));
        int realServer = table.daddr(slot);
        if (!prepare(c, realServer, parser.ipv4().destinationAddress(), method != ForwardingMethod.ROUTE)) {
            return drop(PipelineReason.NO_NEXT_HOP);
        }
        long mac = c.nextHopMac();
        Port out = ports[c.egress()];
        ForwardVerdict verdict;
        long frameOffset;
        int frameLength;
        switch (method) {
            case ROUTE:
                verdict = dr.rewrite(parser, out.mac(), mac, out.mtuBytes(), reply);
                frameOffset = dr.frameOffset();
                frameLength = dr.frameLengthBytes();
                break;
            case MASQ:
                verdict = nat.inbound(parser, realServer, table.dport(slot), out.mac(), mac, out.mtuBytes(), reply);
                frameOffset = nat.frameOffset();
                frameLength = nat.frameLengthBytes();
                break;
            case TUNNEL:
                if (out.address() == 0) {
                    return drop(PipelineReason.NO_TUNNEL_SOURCE);
                }
                verdict = tun.rewrite(parser, c.headroomBytes(), out.address(), realServer, out.mac(), mac,
                        out.mtuBytes(), reply);
                frameOffset = tun.frameOffset();
                frameLength = tun.frameLengthBytes();
                break;
            default:
                return pass(PipelineReason.LOCAL);
        }
        return emit(c, verdict, frameOffset, frameLength);
    }

    /** A real-server packet (or ICMP error) of NAT connection {@code slot}: count it, rewrite it to come from the VIP, send it. */
    private PipelineVerdict outbound(PacketContext c, int slot, int lengthBytes) {
        int destinationIndex = table.destIndex(slot);
        int service = snapshot.serviceOf(destinationIndex);
        if (service >= 0) {
            traffic.out(service, destinationIndex, lengthBytes);
        }
        if (!prepare(c, parser.ipv4().destinationAddress(), ports[c.ingress()].address(), true)) {
            return drop(PipelineReason.NO_NEXT_HOP);
        }
        Port out = ports[c.egress()];
        ForwardVerdict verdict = nat.outbound(parser, table.vaddr(slot), table.vport(slot), out.mac(), c.nextHopMac(),
                out.mtuBytes(), reply);
        return emit(c, verdict, nat.frameOffset(), nat.frameLengthBytes());
    }

    /**
     * Before a rewrite towards {@code address}: finds the next hop and records it in the
     * frame's context ({@link PacketContext#nextHop}), points the reply buffer at the ingress interface with
     * {@code replySource} as the source of ICMP errors, and completes a partial checksum. When the
     * next hop's MAC is not known and the rewritten packet will be addressed to {@code address}
     * ({@code routable}), the packet goes to the kernel's IP output instead
     * ({@link PacketContext#viaKernel}), which resolves the neighbour and queues the packet
     * meanwhile, as IPVS's transmit does.
     *
     * @return false when no next hop is known and the kernel cannot take the packet (the resolver
     *         is told)
     */
    private boolean prepare(PacketContext c, int address, int replySource, boolean routable) {
        long mac = nextHops.macOf(address);
        if (mac == NextHops.UNKNOWN) {
            nextHops.missing(address);
            if (!routable || kernelOutput == IpOutput.NONE) {
                return false;
            }
            c.viaKernel(address);
            mac = 0;
        }
        int port = nextHops.portOf(address);
        c.nextHop(mac, port >= 0 && port < ports.length ? port : 0);
        reply.wrap(replySegment, 0, REPLY_BUFFER_BYTES).from(ports[c.ingress()].mac(), replySource);
        if (c.isChecksumPartial() || (c.isChecksumUnknown() && PartialChecksum.looksPartial(parser))) {
            PartialChecksum.complete(parser);
        }
        return true;
    }

    private PipelineVerdict emit(PacketContext c, ForwardVerdict verdict, long frameOffset, int frameLength) {
        switch (verdict) {
            case FORWARD:
                if (!send(c, parser.ethernet().segment(), frameOffset, frameLength)) {
                    return dropUnsent(c);
                }
                return forwarded(c);
            case FRAGMENTED:
                for (int i = 0; i < fragments.count(); i++) {
                    if (!send(c, fragments.segment(), fragments.frameOffset(i), fragments.frameLengthBytes(i))) {
                        return dropUnsent(c);
                    }
                }
                return forwarded(c);
            case REPLY:
                counters.count(PipelineReason.REWRITE);
                return sendReply(c);
            default:
                return drop(PipelineReason.REWRITE);
        }
    }

    private PipelineVerdict portUnreachable(PacketContext c, int virtualAddress) {
        counters.count(PipelineReason.NO_DEST);
        reply.wrap(replySegment, 0, REPLY_BUFFER_BYTES).from(ports[c.ingress()].mac(), virtualAddress);
        if (!icmpErrors.write(parser, IcmpFlyweight.DESTINATION_UNREACHABLE, CODE_PORT_UNREACHABLE, 0, reply)) {
            return verdict(PipelineVerdict.DROPPED);
        }
        return sendReply(c);
    }

    private PipelineVerdict sendReply(PacketContext c) {
        if (!sinks[c.ingress()].send(replySegment, reply.offset(), reply.lengthBytes())) {
            return drop(PipelineReason.TX_FULL);
        }
        return verdict(PipelineVerdict.REPLIED);
    }

    /** Sends a rewritten frame out of the context's egress port, or its IP packet to the kernel when it goes there. */
    private boolean send(PacketContext c, MemorySegment segment, long frameOffset, int frameLength) {
        if (c.isViaKernel()) {
            long ip = frameOffset + EthernetFlyweight.HEADER_LENGTH;
            return kernelOutput.send(segment, ip, frameLength - EthernetFlyweight.HEADER_LENGTH, c.nextHopAddress());
        }
        return sinks[c.egress()].send(segment, frameOffset, frameLength);
    }

    private PipelineVerdict forwarded(PacketContext c) {
        if (c.isViaKernel()) {
            counters.count(PipelineReason.KERNEL_ROUTED);
        }
        return verdict(PipelineVerdict.FORWARDED);
    }

    private PipelineVerdict dropUnsent(PacketContext c) {
        return drop(c.isViaKernel() ? PipelineReason.NO_NEXT_HOP : PipelineReason.TX_FULL);
    }

    private PipelineVerdict pass(PipelineReason reason) {
        counters.count(reason);
        return verdict(PipelineVerdict.PASSED);
    }

    private PipelineVerdict drop(PipelineReason reason) {
        counters.count(reason);
        return verdict(PipelineVerdict.DROPPED);
    }

    private PipelineVerdict verdict(PipelineVerdict verdict) {
        counters.count(verdict);
        return verdict;
    }
}
