package io.jlvs.core.packet;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.net.Ipv4;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds Ethernet frames for tests and demos: IPv4 or IPv6 carrying TCP, UDP or ICMP, or
 * ARP, with correct lengths and checksums unless a field is deliberately broken.
 *
 * <pre>{@code
 * byte[] syn = new PacketBuilder().source("10.0.0.1").destination("10.0.0.2")
 *         .tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).build();
 * byte[] bad = new PacketBuilder().udp(5000, 53).udpLength(4).build();   // UDP length < 8
 * }</pre>
 *
 * <p>Defaults: MACs {@code 02:00:00:00:00:01} &rarr; {@code 02:00:00:00:00:02}, no VLAN, IPv4
 * {@code 10.0.0.1} &rarr; {@code 10.0.0.2}, TTL 64, DF set, TCP SYN from 40000 to 80, empty
 * payload. Breaking setters ({@code version}, {@code ihl}, {@code totalLength},
 * {@code ipChecksum}, {@code dataOffset}, {@code udpLength}, {@code l4Checksum},
 * {@code etherType}, {@code truncateTo}) write the given value instead of the computed one; the
 * IPv4 header checksum is computed after the IPv4 breakers so that only the named field is
 * wrong. Allocates freely: not for the packet path.
 */
public final class PacketBuilder {
    private enum Kind { TCP, UDP, ICMP, ARP, RAW }

    private static final int UNSET = -1;

    private long sourceMac = 0x0200_0000_0001L;
    private long destinationMac = 0x0200_0000_0002L;
    private int vlanId = UNSET;
    private int etherType = UNSET;

    private boolean ipv6;
    private int sourceAddress = 0x0A00_0001;
    private int destinationAddress = 0x0A00_0002;
    private long source6High = 0xfd00_0000_0000_0000L;
    private long source6Low = 1;
    private long destination6High = 0xfd00_0000_0000_0000L;
    private long destination6Low = 2;
    private int ttl = 64;
    private int tos;
    private int identification;
    private boolean dontFragment = true;
    private boolean moreFragments;
    private int fragmentOffset;
    private byte[] ipOptions = new byte[0];
    private int protocol = UNSET;
    private int version = UNSET;
    private int ihl = UNSET;
    private int totalLength = UNSET;
    private int ipChecksum = UNSET;

    private Kind kind = Kind.TCP;
    private int sourcePort = 40000;
    private int destinationPort = 80;
    private int sequenceNumber;
    private int acknowledgmentNumber;
    private int tcpFlags = TcpFlyweight.SYN;
    private int window = 65535;
    private byte[] tcpOptions = new byte[0];
    private int dataOffset = UNSET;
    private int udpLength = UNSET;
    private boolean udpNoChecksum;
    private int icmpType = IcmpFlyweight.ECHO_REQUEST;
    private int icmpCode;
    private int icmpRest;
    private int l4Checksum = UNSET;

    private int arpOperation;
    private long arpSenderMac;
    private int arpSenderAddress;
    private long arpTargetMac;
    private int arpTargetAddress;

    private byte[] payload = new byte[0];
    private int padTo;
    private int truncateTo = UNSET;

    /** Source MAC address (low 48 bits). */
    public PacketBuilder sourceMac(long mac) {
        this.sourceMac = mac;
        return this;
    }

    /** Destination MAC address (low 48 bits). */
    public PacketBuilder destinationMac(long mac) {
        this.destinationMac = mac;
        return this;
    }

    /** Adds one 802.1Q tag with this 12-bit VLAN id. */
    public PacketBuilder vlan(int id) {
        this.vlanId = id;
        return this;
    }

    /** Breaks or forces the payload EtherType (after the tag when tagged). */
    public PacketBuilder etherType(int type) {
        this.etherType = type;
        return this;
    }

    /** IPv4 source address, host byte order. */
    public PacketBuilder source(int address) {
        this.sourceAddress = address;
        return this;
    }

    /** IPv4 source address as a dotted quad. */
    public PacketBuilder source(String address) {
        return source(Ipv4.parse(address));
    }

    /** IPv4 destination address, host byte order. */
    public PacketBuilder destination(int address) {
        this.destinationAddress = address;
        return this;
    }

    /** IPv4 destination address as a dotted quad. */
    public PacketBuilder destination(String address) {
        return destination(Ipv4.parse(address));
    }

    /**
     * Switches to IPv6 with these addresses (high and low 64 bits each); TCP and UDP stay, ICMP
     * becomes ICMPv6 (set its type with {@link #icmp}).
     */
    public PacketBuilder ipv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        this.ipv6 = true;
        this.source6High = sourceHigh;
        this.source6Low = sourceLow;
        this.destination6High = destinationHigh;
        this.destination6Low = destinationLow;
        return this;
    }

    /** TTL (IPv4) or hop limit (IPv6). */
    public PacketBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    /** IPv4 type-of-service byte. */
    public PacketBuilder tos(int tos) {
        this.tos = tos;
        return this;
    }

    /** IPv4 identification. */
    public PacketBuilder identification(int id) {
        this.identification = id;
        return this;
    }

    /** IPv4 Don't Fragment flag (default set). */
    public PacketBuilder dontFragment(boolean dontFragment) {
        this.dontFragment = dontFragment;
        return this;
    }

    /** IPv4 fragment: More Fragments flag and offset in 8-byte units; clears DF. */
    public PacketBuilder fragment(boolean moreFragments, int offsetUnits) {
        this.moreFragments = moreFragments;
        this.fragmentOffset = offsetUnits;
        this.dontFragment = false;
        return this;
    }

    /** IPv4 options as byte values 0..255, zero-padded to a multiple of 4 bytes. */
    public PacketBuilder ipOptions(int... options) {
        this.ipOptions = toBytes(options);
        return this;
    }

    /** IP protocol (IPv4) or next header (IPv6), overriding the one of the transport. */
    public PacketBuilder protocol(int protocol) {
        this.protocol = protocol;
        return this;
    }

    /** Breaks the IP version field. */
    public PacketBuilder version(int version) {
        this.version = version;
        return this;
    }

    /** Breaks the IPv4 IHL field (32-bit words). */
    public PacketBuilder ihl(int words) {
        this.ihl = words;
        return this;
    }

    /** Breaks the IPv4 total length (or IPv6 payload length) field. */
    public PacketBuilder totalLength(int lengthBytes) {
        this.totalLength = lengthBytes;
        return this;
    }

    /** Breaks the IPv4 header checksum. */
    public PacketBuilder ipChecksum(int checksum) {
        this.ipChecksum = checksum;
        return this;
    }

    /** TCP between these ports (host byte order). */
    public PacketBuilder tcp(int sourcePort, int destinationPort) {
        this.kind = Kind.TCP;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        return this;
    }

    /** TCP flag bits ({@link TcpFlyweight#SYN} | {@link TcpFlyweight#ACK} ...). */
    public PacketBuilder tcpFlags(int flags) {
        this.tcpFlags = flags;
        return this;
    }

    /** TCP sequence and acknowledgment numbers. */
    public PacketBuilder sequence(int sequenceNumber, int acknowledgmentNumber) {
        this.sequenceNumber = sequenceNumber;
        this.acknowledgmentNumber = acknowledgmentNumber;
        return this;
    }

    /** TCP window. */
    public PacketBuilder window(int window) {
        this.window = window;
        return this;
    }

    /** TCP options as byte values 0..255, zero-padded to a multiple of 4 bytes. */
    public PacketBuilder tcpOptions(int... options) {
        this.tcpOptions = toBytes(options);
        return this;
    }

    /** Breaks the TCP data offset (32-bit words). */
    public PacketBuilder dataOffset(int words) {
        this.dataOffset = words;
        return this;
    }

    /** UDP between these ports (host byte order). */
    public PacketBuilder udp(int sourcePort, int destinationPort) {
        this.kind = Kind.UDP;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        return this;
    }

    /** Breaks the UDP length field. */
    public PacketBuilder udpLength(int lengthBytes) {
        this.udpLength = lengthBytes;
        return this;
    }

    /** Sends UDP with checksum 0 ("none", IPv4 only). */
    public PacketBuilder udpNoChecksum() {
        this.udpNoChecksum = true;
        return this;
    }

    /** ICMP (ICMPv6 under {@link #ipv6}) with type, code and identifier/sequence (echo). */
    public PacketBuilder icmp(int type, int code, int identifier, int sequence) {
        this.kind = Kind.ICMP;
        this.icmpType = type;
        this.icmpCode = code;
        this.icmpRest = (identifier & 0xFFFF) << 16 | (sequence & 0xFFFF);
        return this;
    }

    /** An ICMP echo request with this identifier and sequence number. */
    public PacketBuilder icmpEcho(int identifier, int sequence) {
        return icmp(ipv6 ? Icmpv6Flyweight.ECHO_REQUEST : IcmpFlyweight.ECHO_REQUEST, 0, identifier, sequence);
    }

    /** Breaks the TCP, UDP or ICMP checksum. */
    public PacketBuilder l4Checksum(int checksum) {
        this.l4Checksum = checksum;
        return this;
    }

    /** An IP datagram of this protocol whose payload is {@link #payload} as is. */
    public PacketBuilder raw(int protocol) {
        this.kind = Kind.RAW;
        this.protocol = protocol;
        return this;
    }

    /** An ARP packet (IPv4 over Ethernet) instead of IP. */
    public PacketBuilder arp(int operation, long senderMac, int senderAddress, long targetMac, int targetAddress) {
        this.kind = Kind.ARP;
        this.arpOperation = operation;
        this.arpSenderMac = senderMac;
        this.arpSenderAddress = senderAddress;
        this.arpTargetMac = targetMac;
        this.arpTargetAddress = targetAddress;
        return this;
    }

    /** Transport payload bytes. */
    public PacketBuilder payload(byte... bytes) {
        this.payload = bytes.clone();
        return this;
    }

    /** Transport payload as US-ASCII text. */
    public PacketBuilder payload(String text) {
        return payload(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Pads the frame with zero bytes to at least {@code lengthBytes} (60 for Ethernet's minimum). */
    public PacketBuilder padTo(int lengthBytes) {
        this.padTo = lengthBytes;
        return this;
    }

    /** Cuts the finished frame to {@code lengthBytes}, after all lengths and checksums are set. */
    public PacketBuilder truncateTo(int lengthBytes) {
        this.truncateTo = lengthBytes;
        return this;
    }

    /** Builds the frame. */
    public byte[] build() {
        int l2 = vlanId == UNSET ? EthernetFlyweight.HEADER_LENGTH : EthernetFlyweight.VLAN_HEADER_LENGTH;
        int l3 = kind == Kind.ARP ? 0 : ipv6 ? Ipv6Flyweight.HEADER_LENGTH
                : Ipv4Flyweight.MIN_HEADER_LENGTH + padded(ipOptions.length);
        int l4Header = switch (kind) {
            case TCP -> TcpFlyweight.MIN_HEADER_LENGTH + padded(tcpOptions.length);
            case UDP -> UdpFlyweight.HEADER_LENGTH;
            case ICMP -> IcmpHeaderFlyweight.HEADER_LENGTH;
            case ARP -> ArpFlyweight.LENGTH;
            case RAW -> 0;
        };
        int l4 = l4Header + (kind == Kind.ARP ? 0 : payload.length);
        byte[] frame = new byte[Math.max(l2 + l3 + l4, padTo)];
        MemorySegment segment = MemorySegment.ofArray(frame);

        EthernetFlyweight ethernet = new EthernetFlyweight().wrap(segment, 0, frame.length);
        ethernet.destination(destinationMac);
        ethernet.source(sourceMac);
        if (vlanId != UNSET) {
            ethernet.u16(12, EthernetFlyweight.TPID_8021Q);
            ethernet.u16(14, vlanId & 0x0FFF);
        }
        int type = kind == Kind.ARP ? EthernetFlyweight.ETHERTYPE_ARP
                : ipv6 ? EthernetFlyweight.ETHERTYPE_IPV6 : EthernetFlyweight.ETHERTYPE_IPV4;
        ethernet.etherType(etherType == UNSET ? type : etherType);

        if (kind == Kind.ARP) {
            writeArp(new ArpFlyweight().wrap(segment, l2, l4));
            return finish(frame);
        }
        int proto = protocol != UNSET ? protocol : switch (kind) {
            case TCP -> Ipv4Flyweight.PROTO_TCP;
            case UDP -> Ipv4Flyweight.PROTO_UDP;
            default -> ipv6 ? Ipv6Flyweight.NEXT_ICMPV6 : Ipv4Flyweight.PROTO_ICMP;
        };
        long l4Offset = l2 + l3;
        MemorySegment.copy(payload, 0, segment, ValueLayout.JAVA_BYTE,
                l4Offset + l4Header, payload.length);
        long pseudo;
        Ipv4Flyweight ip4 = null;
        if (ipv6) {
            Ipv6Flyweight ip = new Ipv6Flyweight().wrap(segment, l2, l3 + l4);
            ip.i32(0, (version == UNSET ? 6 : version) << 28);
            ip.payloadLength(l4);
            ip.nextHeader(proto);
            ip.hopLimit(ttl);
            ip.sourceAddress(source6High, source6Low);
            ip.destinationAddress(destination6High, destination6Low);
            pseudo = ip.pseudoHeaderSum(proto, l4);
        } else {
            ip4 = writeIpv4(new Ipv4Flyweight().wrap(segment, l2, l3 + l4), l3, l4, proto);
            pseudo = ip4.pseudoHeaderSum(l4);
        }
        writeTransport(segment, l4Offset, l4, pseudo);
        if (ipv6 && totalLength != UNSET) {
            new Ipv6Flyweight().wrap(segment, l2, l3 + l4).payloadLength(totalLength);
        }
        if (ip4 != null) {
            if (version != UNSET || ihl != UNSET) {
                ip4.versionAndIhl((version == UNSET ? 4 : version) << 4 | (ihl == UNSET ? l3 / 4 : ihl) & 0x0F);
            }
            if (totalLength != UNSET) {
                ip4.totalLength(totalLength);
            }
            ip4.headerChecksum(ipChecksum != UNSET ? ipChecksum
                    : InternetChecksum.ipv4Header(segment, l2, l3));
        }
        return finish(frame);
    }

    private Ipv4Flyweight writeIpv4(Ipv4Flyweight ip, int headerLength, int l4, int proto) {
        ip.versionAndIhl(4 << 4 | headerLength / 4);
        ip.tos(tos);
        ip.totalLength(headerLength + l4);
        ip.identification(identification);
        ip.u16(6, (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1FFF));
        ip.ttl(ttl);
        ip.protocol(proto);
        ip.sourceAddress(sourceAddress);
        ip.destinationAddress(destinationAddress);
        MemorySegment.copy(ipOptions, 0, ip.segment(), ValueLayout.JAVA_BYTE,
                ip.offset() + Ipv4Flyweight.MIN_HEADER_LENGTH, ipOptions.length);
        return ip;
    }

    private void writeTransport(MemorySegment segment, long l4Offset, int l4, long pseudo) {
        switch (kind) {
            case TCP -> {
                TcpFlyweight tcp = new TcpFlyweight().wrap(segment, l4Offset, l4);
                tcp.sourcePort(sourcePort);
                tcp.destinationPort(destinationPort);
                tcp.sequenceNumber(sequenceNumber);
                tcp.acknowledgmentNumber(acknowledgmentNumber);
                int words = (TcpFlyweight.MIN_HEADER_LENGTH + padded(tcpOptions.length)) / 4;
                tcp.u8(12, (dataOffset == UNSET ? words : dataOffset) << 4);
                tcp.flags(tcpFlags);
                tcp.window(window);
                MemorySegment.copy(tcpOptions, 0, segment, ValueLayout.JAVA_BYTE,
                        l4Offset + TcpFlyweight.MIN_HEADER_LENGTH, tcpOptions.length);
                tcp.checksum(l4Checksum != UNSET ? l4Checksum : tcp.computeChecksum(pseudo, l4));
            }
            case UDP -> {
                UdpFlyweight udp = new UdpFlyweight().wrap(segment, l4Offset, l4);
                udp.sourcePort(sourcePort);
                udp.destinationPort(destinationPort);
                udp.udpLength(l4);
                int checksum = udpNoChecksum ? 0 : udp.computeChecksum(pseudo, l4);
                udp.checksum(l4Checksum != UNSET ? l4Checksum : checksum);
                if (udpLength != UNSET) {
                    udp.udpLength(udpLength);
                }
            }
            case ICMP -> {
                IcmpHeaderFlyweight icmp = ipv6 ? new Icmpv6Flyweight() : new IcmpFlyweight();
                icmp.wrap(segment, l4Offset, l4);
                icmp.type(icmpType);
                icmp.code(icmpCode);
                icmp.i32(4, icmpRest);
                int checksum = icmp instanceof Icmpv6Flyweight v6 ? v6.computeChecksum(pseudo, l4)
                        : ((IcmpFlyweight) icmp).computeChecksum(l4);
                icmp.checksum(l4Checksum != UNSET ? l4Checksum : checksum);
            }
            default -> {
            }
        }
    }

    private void writeArp(ArpFlyweight arp) {
        arp.u16(0, ArpFlyweight.HTYPE_ETHERNET);
        arp.u16(2, EthernetFlyweight.ETHERTYPE_IPV4);
        arp.u8(4, 6);
        arp.u8(5, 4);
        arp.operation(arpOperation);
        arp.senderHardwareAddress(arpSenderMac);
        arp.senderProtocolAddress(arpSenderAddress);
        arp.targetHardwareAddress(arpTargetMac);
        arp.targetProtocolAddress(arpTargetAddress);
    }

    private byte[] finish(byte[] frame) {
        if (truncateTo == UNSET || truncateTo >= frame.length) {
            return frame;
        }
        return Arrays.copyOf(frame, truncateTo);
    }

    private static byte[] toBytes(int[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static int padded(int lengthBytes) {
        return (lengthBytes + 3) & ~3;
    }
}
