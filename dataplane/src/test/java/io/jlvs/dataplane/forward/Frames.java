package io.jlvs.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.checksum.TransportChecksum;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.UdpFlyweight;
import io.jlvs.core.packet.Verdict;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The addresses of the test topology, builders for the frames that cross it, and a full
 * recomputation of every checksum in a frame (including those inside an ICMP quote and an
 * IPIP tunnel).
 */
final class Frames {
    static final int CLIENT = Ipv4.parse("203.0.113.5");
    static final int CLIENT_PORT = 51022;
    static final int VIP = Ipv4.parse("192.168.10.100");
    static final int VPORT = 80;
    static final int UDP_VPORT = 53;
    static final int RIP = Ipv4.parse("192.168.188.81");
    static final int RPORT = 8080;
    static final int UDP_RPORT = 5353;
    static final int TUNNEL_RIP = Ipv4.parse("10.1.1.2");
    static final int DIRECTOR = Ipv4.parse("10.1.1.1");
    static final int DIRECTOR_CLIENT_SIDE = Ipv4.parse("192.168.10.1");
    static final int CLIENT_ROUTER = Ipv4.parse("198.51.100.1");
    static final long ROUTER_MAC = 0x0200_0000_00feL;
    static final long DIRECTOR_MAC = 0x0200_0000_000dL;
    static final long RS_MAC = 0x0200_0000_0081L;
    static final long TUNNEL_HOP_MAC = 0x0200_0000_00e1L;
    static final int IP_ID = 0x4242;
    static final int MTU = 1500;

    private Frames() {
    }

    /** A frame from the client, as it reaches the director from the router. */
    static PacketBuilder fromClient() {
        return new PacketBuilder().sourceMac(ROUTER_MAC).destinationMac(DIRECTOR_MAC)
                .source(CLIENT).destination(VIP).identification(IP_ID);
    }

    /** A frame from the real server towards the client, as it reaches the director. */
    static PacketBuilder fromRealServer() {
        return new PacketBuilder().sourceMac(RS_MAC).destinationMac(DIRECTOR_MAC)
                .source(RIP).destination(CLIENT).identification(IP_ID);
    }

    /** The IP datagram of an untagged frame. */
    static byte[] ip(byte[] frame) {
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    /** What an ICMP error quotes of an untagged frame: the IP header and 8 bytes (RFC 792). */
    static byte[] quote(byte[] frame) {
        int headerLength = (frame[14] & 0x0F) * 4;
        return Arrays.copyOfRange(frame, 14, 14 + headerLength + 8);
    }

    /** The ICMP error the director sends back to the client about {@code offending}. */
    static byte[] errorToClient(byte[] offending, int type, int code, int mtu) {
        return new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC)
                .source(DIRECTOR_CLIENT_SIDE).destination(CLIENT).ttl(64).tos(0xC0)
                .identification(Env.REPLY_ID).dontFragment(false)
                .icmp(type, code, 0, mtu).payload(quote(offending)).build();
    }

    /** Asserts that every checksum of {@code frame} equals a full recomputation. */
    static void assertChecksumsValid(byte[] frame) {
        MemorySegment segment = MemorySegment.ofArray(frame);
        PacketParser parser = new PacketParser();
        Verdict verdict = parser.parse(segment, 0, frame.length);
        assertNotEquals(Verdict.DROP, verdict, () -> "output frame does not parse: " + parser.dropReason());
        assertDatagramValid(segment, parser.l3Offset(), frame.length - (int) parser.l3Offset(), "");
    }

    private static void assertDatagramValid(MemorySegment segment, long at, int available, String where) {
        Ipv4Flyweight ip = new Ipv4Flyweight().wrap(segment, at, available);
        assertTrue(ip.isHeaderChecksumValid(), where + "IPv4 header checksum");
        int headerLength = ip.headerLength();
        int total = ip.totalLength();
        if (total > available || ip.isFragment()) {
            return;
        }
        long l4 = at + headerLength;
        int l4Length = total - headerLength;
        switch (ip.protocol()) {
            case Ipv4Flyweight.PROTO_TCP -> assertTrue(
                    TransportChecksum.isValid(ip.pseudoHeaderSum(l4Length), segment, l4, l4Length),
                    where + "TCP checksum");
            case Ipv4Flyweight.PROTO_UDP -> {
                UdpFlyweight udp = new UdpFlyweight().wrap(segment, l4, l4Length);
                if (udp.hasChecksum()) {
                    assertTrue(udp.isChecksumValid(ip.pseudoHeaderSum(udp.udpLength()), udp.udpLength()),
                            where + "UDP checksum");
                }
            }
            case Ipv4Flyweight.PROTO_ICMP -> {
                IcmpFlyweight icmp = new IcmpFlyweight().wrap(segment, l4, l4Length);
                assertTrue(icmp.isChecksumValid(l4Length), where + "ICMP checksum");
                if (icmp.isError()) {
                    assertDatagramValid(segment, l4 + 8, l4Length - 8, where + "quoted ");
                }
            }
            case TunnelRewriter.PROTO_IPIP -> assertDatagramValid(segment, l4, l4Length, where + "inner ");
            default -> {
            }
        }
    }

    /** Asserts two frames are equal, naming the first differing byte. */
    static void assertFrameEquals(byte[] expected, byte[] actual, String description) {
        int mismatch = Arrays.mismatch(expected, actual);
        assertEquals(-1, mismatch, () -> description + ": frames differ at byte " + mismatch
                + " (expected length " + expected.length + ", actual " + actual.length + ")\nexpected "
                + hex(expected) + "\nactual   " + hex(actual));
    }

    static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b & 0xFF));
        }
        return text.toString();
    }
}
