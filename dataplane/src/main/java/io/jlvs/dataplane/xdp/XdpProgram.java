package io.jlvs.dataplane.xdp;

import static io.jlvs.dataplane.xdp.BpfAssembler.B;
import static io.jlvs.dataplane.xdp.BpfAssembler.H;
import static io.jlvs.dataplane.xdp.BpfAssembler.JEQ;
import static io.jlvs.dataplane.xdp.BpfAssembler.JGT;
import static io.jlvs.dataplane.xdp.BpfAssembler.JLT;
import static io.jlvs.dataplane.xdp.BpfAssembler.JNE;
import static io.jlvs.dataplane.xdp.BpfAssembler.R0;
import static io.jlvs.dataplane.xdp.BpfAssembler.R1;
import static io.jlvs.dataplane.xdp.BpfAssembler.R10;
import static io.jlvs.dataplane.xdp.BpfAssembler.R2;
import static io.jlvs.dataplane.xdp.BpfAssembler.R3;
import static io.jlvs.dataplane.xdp.BpfAssembler.R4;
import static io.jlvs.dataplane.xdp.BpfAssembler.R5;
import static io.jlvs.dataplane.xdp.BpfAssembler.R6;
import static io.jlvs.dataplane.xdp.BpfAssembler.R7;
import static io.jlvs.dataplane.xdp.BpfAssembler.R8;
import static io.jlvs.dataplane.xdp.BpfAssembler.R9;
import static io.jlvs.dataplane.xdp.BpfAssembler.W;

import io.jlvs.dataplane.sys.Bpf;

/**
 * The XDP program jlvs attaches to an interface: it redirects to the AF_XDP socket of the
 * frame's RX queue exactly the frames jlvs handles, and passes everything else to the kernel,
 * so ARP, ping and SSH to the host keep working.
 *
 * <p>Per frame, in order:
 * <ol>
 * <li>Ethernet: shorter than 14 bytes, VLAN-tagged or neither IPv4 nor ARP: pass.
 * <li>ARP request (Ethernet/IPv4, opcode 1) whose target IP is in {@value #ARP_VIPS}: redirect.
 * <li>IPv4: version 4, IHL 5..15 (options are skipped, not parsed); a fragment (MF set or
 *     offset not 0): pass, the kernel reassembles; not TCP, UDP, SCTP or ICMP: pass.
 * <li>TCP/UDP/SCTP (whose headers all begin with the two ports): the ports must be in the
 *     frame. Redirect when {@value #SERVICES} holds (proto, daddr, dport) or
 *     (proto, daddr, port 0): a packet to a virtual service. A TCP SYN (of FIN, SYN, RST and
 *     ACK only SYN set; the flags must be in the frame) goes to the queue's new-flow socket,
 *     XSKMAP slot {@code 2 x queue + 1}, when there is one; every other redirected frame to
 *     slot {@code 2 x queue}. So a SYN flood fills a ring of its own, and established flows keep
 *     theirs (see {@code XskSocket}).
 * <li>Otherwise, a destination in {@value #LOCAL_ADDRESSES} (the director's own addresses):
 *     pass, so the director's own connections to real servers (health checks) get their
 *     replies, as the nftables guard lets them through.
 * <li>Redirect when {@value #NAT_SERVERS} holds (proto, saddr, sport) or (proto, saddr, port 0):
 *     a real server's reply through NAT.
 * <li>ICMP errors IPVS relays (destination unreachable 3, source quench 4, time exceeded 11;
 *     the type must be in the frame): the same lookups with port 0 and protocol ICMP, for which
 *     {@link XdpFilter} stores every VIP and every NAT real server's address: errors towards a
 *     VIP, and errors from a real server, about connections jlvs tracks. Echo and every other
 *     ICMP type pass: they are the director's own (ping to a VIP or from a real server, as
 *     health checks do, keeps working).
 * <li>Redirect is {@code bpf_redirect_map(xsks, 2 x rx_queue_index, XDP_PASS)}: with no socket at
 *     that queue the frame goes to the kernel.
 * </ol>
 *
 * <p>Maps and their keys (addresses and ports in network byte order, as in the frame; the
 * values are an unused u32):
 * <pre>
 * services     LPM trie  12 bytes: 0 prefix bits u32 (host order) | 4 proto u8 | 5 zero u8
 *                                  6 port be16 | 8 address be32
 *                        a flow to address/p holds prefix 32 + p, lookups use 64: /32 VIPs and
 *                        fwmark prefixes are both matched.
 * nat_servers  hash       8 bytes: 0 proto u8 | 1 zero u8 | 2 port be16 | 4 address be32
 * arp_vips     hash       4 bytes: address be32
 * local_addrs  hash       4 bytes: address be32
 * xsks         XSKMAP     4 bytes: 2 x RX queue index -> AF_XDP socket; 2 x RX queue index + 1
 *                                  -> the queue's new-flow socket
 * </pre>
 * Written for a little-endian host: header fields are loaded as they lie in the frame and
 * compared with byte-swapped constants (EtherType IPv4 {@code 08 00} reads as {@code 0x0008}).
 */
public final class XdpProgram {
    /** Map name: flows to virtual services. */
    public static final String SERVICES = "services";
    /** Map name: NAT real servers whose replies jlvs rewrites. */
    public static final String NAT_SERVERS = "nat_servers";
    /** Map name: addresses whose ARP requests jlvs answers. */
    public static final String ARP_VIPS = "arp_vips";
    /** Map name: the director's own addresses, whose traffic from real servers stays with the kernel. */
    public static final String LOCAL_ADDRESSES = "local_addrs";
    /** Map name: AF_XDP sockets by RX queue. */
    public static final String XSKS = "xsks";

    /** Bytes of a {@value #SERVICES} key. */
    public static final int SERVICE_KEY_BYTES = 12;
    /** Prefix bits of a full {@value #SERVICES} key: proto, zero, port (32 bits) and the address (32). */
    public static final int SERVICE_KEY_FULL_PREFIX = 64;
    /** Bytes of a {@value #NAT_SERVERS} key. */
    public static final int NAT_KEY_BYTES = 8;
    /** Bytes of an {@value #ARP_VIPS} or {@value #LOCAL_ADDRESSES} key. */
    public static final int ADDRESS_KEY_BYTES = 4;
    /** Bytes of every value but the XSKMAP's. */
    public static final int VALUE_BYTES = 4;

    static final int ETH_HLEN = 14;
    /** EtherType IPv4 (08 00) read as a little-endian u16. */
    static final int ETH_P_IP_LE = 0x0008;
    /** EtherType ARP (08 06) read as a little-endian u16. */
    static final int ETH_P_ARP_LE = 0x0608;
    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_SCTP = 132;
    static final int ICMP_DEST_UNREACH = 3;
    static final int ICMP_SOURCE_QUENCH = 4;
    static final int ICMP_TIME_EXCEEDED = 11;
    /** TCP flags FIN (0x01), SYN (0x02), RST (0x04) and ACK (0x10): of these, a new flow's first segment has only SYN. */
    static final int TCP_FIN_SYN_RST_ACK = 0x17;
    static final int TCP_SYN = 0x02;
    /** Offset of the flags byte in the TCP header. */
    static final int TCP_FLAGS_OFFSET = 13;

    /** Stack slot of the {@value #SERVICES} key (frame pointer - 16 .. - 4). */
    static final int SERVICE_KEY = -16;
    /** Stack slot of the {@value #NAT_SERVERS} key (frame pointer - 24 .. - 16). */
    static final int NAT_KEY = -24;
    /** Stack slot of the {@value #ARP_VIPS} key (frame pointer - 4). */
    static final int ARP_KEY = -4;
    /** Stack slot of the TCP flags FIN, SYN, RST and ACK (0 for other protocols), u32 (frame pointer - 32). */
    static final int TCP_FLAGS = -32;

    private XdpProgram() {
    }

    /** The XSKMAP slot of RX queue {@code queue}'s socket, or of its new-flow socket. */
    public static int xskSlot(int queue, boolean newFlows) {
        return 2 * queue + (newFlows ? 1 : 0);
    }

    /** The program, its map references unresolved; {@link BpfAssembler#assemble} takes the descriptors. */
    public static BpfAssembler build() {
        BpfAssembler a = new BpfAssembler();
        a.mov64Reg(R6, R1, "r6 = ctx (struct xdp_md *), kept across calls")
                .load(W, R7, R6, 0, "r7 = ctx->data")
                .load(W, R8, R6, 4, "r8 = ctx->data_end")
                // Ethernet
                .mov64Reg(R0, R7, "r0 = data")
                .add64Imm(R0, ETH_HLEN, "r0 = data + 14 (end of the Ethernet header)")
                .jumpReg(JGT, R0, R8, "pass", "shorter than an Ethernet header: pass")
                .load(H, R1, R7, 12, "r1 = EtherType, as it lies in the frame")
                .jumpImm(JEQ, R1, ETH_P_ARP_LE, "arp", "ARP (08 06)")
                .jumpImm(JNE, R1, ETH_P_IP_LE, "pass", "not IPv4 (08 00), e.g. VLAN or IPv6: pass")
                // IPv4
                .mov64Reg(R0, R7, "r0 = data")
                .add64Imm(R0, ETH_HLEN + 20, "r0 = end of a minimal IPv4 header")
                .jumpReg(JGT, R0, R8, "pass", "truncated IPv4 header: pass")
                .load(B, R1, R7, ETH_HLEN, "r1 = version and IHL")
                .mov64Reg(R2, R1, "r2 = version and IHL")
                .and64Imm(R2, 0xf0, "r2 = version << 4")
                .jumpImm(JNE, R2, 0x40, "pass", "not version 4: pass")
                .and64Imm(R1, 0x0f, "r1 = IHL (32-bit words)")
                .jumpImm(JLT, R1, 5, "pass", "IHL below 5: pass")
                .lsh64Imm(R1, 2, "r1 = header length in bytes, 20..60")
                .load(H, R2, R7, ETH_HLEN + 6, "r2 = flags and fragment offset (bytes swapped)")
                .and64Imm(R2, 0xff3f, "keep MF (0x20 of the first byte) and the 13-bit offset")
                .jumpImm(JNE, R2, 0, "pass", "a fragment: pass, the kernel reassembles it")
                .load(B, R9, R7, ETH_HLEN + 9, "r9 = protocol")
                .mov64Reg(R5, R7, "r5 = data")
                .add64Reg(R5, R1, "r5 = data + IPv4 header length")
                .add64Imm(R5, ETH_HLEN, "r5 = start of the transport header")
                .jumpImm(JEQ, R9, IPPROTO_ICMP, "icmp", "ICMP")
                .jumpImm(JEQ, R9, IPPROTO_TCP, "ports", "TCP")
                .jumpImm(JEQ, R9, IPPROTO_UDP, "ports", "UDP")
                .jumpImm(JNE, R9, IPPROTO_SCTP, "pass", "neither TCP, UDP, SCTP nor ICMP: pass")
                .label("ports")
                .mov64Reg(R0, R5, "r0 = transport header")
                .add64Imm(R0, 4, "r0 = end of the two ports")
                .jumpReg(JGT, R0, R8, "pass", "ports not in the frame: pass")
                .load(H, R1, R5, 0, "r1 = source port (network order)")
                .load(H, R2, R5, 2, "r2 = destination port (network order)")
                .mov64Imm(R4, 0, "r4 = TCP flags: 0 until read")
                .jumpImm(JNE, R9, IPPROTO_TCP, "keys", "not TCP: build the keys")
                .mov64Reg(R0, R5, "r0 = TCP header")
                .add64Imm(R0, TCP_FLAGS_OFFSET + 1, "r0 = end of the TCP flags")
                .jumpReg(JGT, R0, R8, "keys", "TCP flags not in the frame: as no flag")
                .load(B, R4, R5, TCP_FLAGS_OFFSET, "r4 = TCP flags")
                .and64Imm(R4, TCP_FIN_SYN_RST_ACK, "r4 = FIN, SYN, RST and ACK")
                .jump("keys", "build the keys")
                .label("icmp")
                .mov64Reg(R0, R5, "r0 = ICMP header")
                .add64Imm(R0, 1, "r0 = end of the ICMP type")
                .jumpReg(JGT, R0, R8, "pass", "ICMP type not in the frame: pass")
                .load(B, R3, R5, 0, "r3 = ICMP type")
                .jumpImm(JEQ, R3, ICMP_DEST_UNREACH, "icmp_error", "destination unreachable (3)")
                .jumpImm(JEQ, R3, ICMP_SOURCE_QUENCH, "icmp_error", "source quench (4)")
                .jumpImm(JNE, R3, ICMP_TIME_EXCEEDED, "pass", "not time exceeded (11) either: echo and the rest are the kernel's")
                .label("icmp_error")
                .mov64Imm(R1, 0, "ICMP: source port 0")
                .mov64Imm(R2, 0, "ICMP: destination port 0")
                .mov64Imm(R4, 0, "ICMP: no TCP flags")
                .label("keys")
                .store(W, R10, TCP_FLAGS, R4, "stack: TCP flags, for after the map lookups")
                .storeImm(W, R10, SERVICE_KEY, SERVICE_KEY_FULL_PREFIX, "services key: prefix = all 64 bits")
                .store(B, R10, SERVICE_KEY + 4, R9, "services key: protocol")
                .storeImm(B, R10, SERVICE_KEY + 5, 0, "services key: zero")
                .store(H, R10, SERVICE_KEY + 6, R2, "services key: destination port")
                .load(W, R3, R7, ETH_HLEN + 16, "r3 = destination address")
                .store(W, R10, SERVICE_KEY + 8, R3, "services key: destination address")
                .store(B, R10, NAT_KEY, R9, "nat key: protocol")
                .storeImm(B, R10, NAT_KEY + 1, 0, "nat key: zero")
                .store(H, R10, NAT_KEY + 2, R1, "nat key: source port")
                .load(W, R3, R7, ETH_HLEN + 12, "r3 = source address")
                .store(W, R10, NAT_KEY + 4, R3, "nat key: source address")
                // (a) a virtual service, by port then all ports
                .loadMap(R1, SERVICES, "r1 = services")
                .mov64Reg(R2, R10, "r2 = frame pointer")
                .add64Imm(R2, SERVICE_KEY, "r2 = &services key")
                .call(Bpf.FN_MAP_LOOKUP_ELEM, "r0 = bpf_map_lookup_elem(services, key)")
                .jumpImm(JNE, R0, 0, "service", "(proto, daddr, dport) is a service: redirect")
                .storeImm(H, R10, SERVICE_KEY + 6, 0, "services key: port 0 (every port)")
                .loadMap(R1, SERVICES, "r1 = services")
                .mov64Reg(R2, R10, "r2 = frame pointer")
                .add64Imm(R2, SERVICE_KEY, "r2 = &services key")
                .call(Bpf.FN_MAP_LOOKUP_ELEM, "r0 = bpf_map_lookup_elem(services, key)")
                .jumpImm(JNE, R0, 0, "service", "(proto, daddr, 0) is a service: redirect")
                // the director's own connections stay with the kernel
                .loadMap(R1, LOCAL_ADDRESSES, "r1 = local_addrs")
                .mov64Reg(R2, R10, "r2 = frame pointer")
                .add64Imm(R2, SERVICE_KEY + 8, "r2 = &destination address (in the services key)")
                .call(Bpf.FN_MAP_LOOKUP_ELEM, "r0 = bpf_map_lookup_elem(local_addrs, daddr)")
                .jumpImm(JNE, R0, 0, "pass", "addressed to the director itself: pass")
                // (b) a NAT real server's reply, by port then all ports
                .loadMap(R1, NAT_SERVERS, "r1 = nat_servers")
                .mov64Reg(R2, R10, "r2 = frame pointer")
                .add64Imm(R2, NAT_KEY, "r2 = &nat key")
                .call(Bpf.FN_MAP_LOOKUP_ELEM, "r0 = bpf_map_lookup_elem(nat_servers, key)")
                .jumpImm(JNE, R0, 0, "redirect", "(proto, saddr, sport) is a NAT server: redirect")
                .storeImm(H, R10, NAT_KEY + 2, 0, "nat key: port 0 (every port)")
                .loadMap(R1, NAT_SERVERS, "r1 = nat_servers")
                .mov64Reg(R2, R10, "r2 = frame pointer")
                .add64Imm(R2, NAT_KEY, "r2 = &nat key")
                .call(Bpf.FN_MAP_LOOKUP_ELEM, "r0 = bpf_map_lookup_elem(nat_servers, key)")
                .jumpImm(JNE, R0, 0, "redirect", "(proto, saddr, 0) is a NAT server: redirect")
                .jump("pass", "not jlvs traffic: pass")
                // ARP
                .label("arp")
                .mov64Reg(R0, R7, "r0 = data")
                .add64Imm(R0, ETH_HLEN + 28, "r0 = end of an Ethernet/IPv4 ARP packet")
                .jumpReg(JGT, R0, R8, "pass", "truncated ARP: pass")
                .load(H, R1, R7, ETH_HLEN, "r1 = hardware type")
                .jumpImm(JNE, R1, 0x0100, "pass", "not Ethernet (00 01): pass")
                .load(H, R1, R7, ETH_HLEN + 2, "r1 = protocol type")
                .jumpImm(JNE, R1, ETH_P_IP_LE, "pass", "not IPv4 (08 00): pass")
                .load(H, R1, R7, ETH_HLEN + 6, "r1 = operation")
                .jumpImm(JNE, R1, 0x0100, "pass", "not a request (00 01): pass")
                .load(W, R1, R7, ETH_HLEN + 24, "r1 = target protocol address")
                .store(W, R10, ARP_KEY, R1, "arp key: target address")
                .loadMap(R1, ARP_VIPS, "r1 = arp_vips")
                .mov64Reg(R2, R10, "r2 = frame pointer")
                .add64Imm(R2, ARP_KEY, "r2 = &arp key")
                .call(Bpf.FN_MAP_LOOKUP_ELEM, "r0 = bpf_map_lookup_elem(arp_vips, key)")
                .jumpImm(JEQ, R0, 0, "pass", "not an address jlvs answers for: pass")
                // verdicts
                .label("service")
                .load(W, R1, R10, TCP_FLAGS, "r1 = TCP flags FIN, SYN, RST, ACK")
                .jumpImm(JNE, R1, TCP_SYN, "redirect", "not a new flow's SYN: the queue's socket")
                .load(W, R2, R6, 16, "r2 = ctx->rx_queue_index")
                .lsh64Imm(R2, 1, "r2 = 2 x queue")
                .add64Imm(R2, 1, "r2 = 2 x queue + 1: the queue's new-flow socket")
                .loadMap(R1, XSKS, "r1 = xsks")
                .mov64Imm(R3, Bpf.XDP_PASS, "r3 = XDP_PASS when the queue has no new-flow socket")
                .call(Bpf.FN_REDIRECT_MAP, "r0 = bpf_redirect_map(xsks, 2 x queue + 1, XDP_PASS)")
                .jumpImm(JNE, R0, Bpf.XDP_REDIRECT, "redirect", "no new-flow socket: the queue's socket")
                .exit("return XDP_REDIRECT")
                .label("redirect")
                .load(W, R2, R6, 16, "r2 = ctx->rx_queue_index")
                .lsh64Imm(R2, 1, "r2 = 2 x queue: the queue's socket")
                .loadMap(R1, XSKS, "r1 = xsks")
                .mov64Imm(R3, Bpf.XDP_PASS, "r3 = XDP_PASS when no socket serves this queue")
                .call(Bpf.FN_REDIRECT_MAP, "r0 = bpf_redirect_map(xsks, 2 x queue, XDP_PASS)")
                .exit("return XDP_REDIRECT (or XDP_PASS)")
                .label("pass")
                .mov64Imm(R0, Bpf.XDP_PASS, "r0 = XDP_PASS")
                .exit("return XDP_PASS");
        return a;
    }
}
