package io.jlvs.core.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The parser on well-formed frames: verdicts, offsets, fields, writes and drop counters. */
class PacketParserTest {
    private final PacketParser parser = new PacketParser();

    private Verdict parse(byte[] frame) {
        return parser.parse(MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Test
    void parsesTaggedTcpSynWithOptionsAtAnUnalignedOffsetInNativeMemory() {
        byte[] frame = new PacketBuilder().vlan(42).source("192.168.1.10").destination("10.1.2.3")
                .tcp(51000, 443).tcpFlags(TcpFlyweight.SYN).sequence(0xdeadbeef, 0)
                .tcpOptions(2, 4, 0x05, 0xb4).ttl(17).payload("hi").build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(frame.length + 3);
            MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, 3, frame.length);
            assertEquals(Verdict.IPV4_TCP, parser.parse(ring, 3, frame.length));
            assertTrue(parser.ethernet().hasVlan());
            assertEquals(42, parser.ethernet().vlanId());
            assertEquals(EthernetFlyweight.ETHERTYPE_IPV4, parser.ethernet().etherType());
            assertEquals(3 + 18, parser.l3Offset());
            assertEquals(Ipv4.parse("192.168.1.10"), parser.ipv4().sourceAddress());
            assertEquals(0xC0A8010A, parser.ipv4().sourceAddress(), "host byte order, first octet high");
            assertEquals(17, parser.ipv4().ttl());
            assertEquals(51000, parser.tcp().sourcePort());
            assertEquals(443, parser.tcp().destinationPort());
            assertEquals(0xdeadbeef, parser.tcp().sequenceNumber());
            assertTrue(parser.tcp().isSyn());
            assertFalse(parser.tcp().isAck());
            assertEquals(24, parser.tcp().headerLength());
            assertEquals(3 + 18 + 20 + 24, parser.payloadOffset());
            assertEquals(2, parser.payloadLength());
            assertEquals('h', ring.get(ValueLayout.JAVA_BYTE, parser.payloadOffset()));
        }
    }

    @Test
    void ignoresEthernetPaddingBeyondTheIpTotalLength() {
        byte[] frame = new PacketBuilder().udp(1234, 53).payload("x").padTo(60).build();
        frame[59] = (byte) 0xAA;
        assertEquals(Verdict.IPV4_UDP, parse(frame));
        assertEquals(29, parser.ipv4().totalLength());
        assertEquals(9, parser.l4Length());
        assertEquals(1, parser.payloadLength());
        long pseudo = parser.ipv4().pseudoHeaderSum(9);
        assertTrue(parser.udp().isChecksumValid(pseudo, 9), "checksum over the datagram, not the padding");
    }

    @Test
    void trimsUdpDatagramToItsLengthFieldLikeTheKernel() {
        byte[] frame = new PacketBuilder().udp(1234, 53).payload(new byte[10]).udpLength(12).build();
        assertEquals(Verdict.IPV4_UDP, parse(frame));
        assertEquals(4, parser.payloadLength());
        assertEquals(18, parser.l4Length());
    }

    @Test
    void recognisesIpv4OptionsAndFragments() {
        assertEquals(Verdict.IPV4_UDP, parse(new PacketBuilder().udp(1, 2).ipOptions(1, 1, 0x94, 4, 0, 0).build()));
        assertTrue(parser.ipv4().hasOptions());
        assertEquals(8, parser.ipv4().optionsLength());
        assertEquals(0x94, parser.ipv4().optionByte(2));

        assertEquals(Verdict.IPV4_FRAGMENT, parse(new PacketBuilder().udp(1, 2).fragment(true, 0).build()));
        assertTrue(parser.ipv4().hasMoreFragments());
        assertEquals(0, parser.ipv4().fragmentOffset());
        assertFalse(parser.ipv4().hasDontFragment());

        assertEquals(Verdict.IPV4_FRAGMENT, parse(new PacketBuilder().raw(17).fragment(false, 185)
                .payload(new byte[8]).build()));
        assertFalse(parser.ipv4().hasMoreFragments());
        assertEquals(1480, parser.ipv4().fragmentOffsetBytes());
        assertEquals(-1, parser.payloadOffset(), "no transport header parsed in a fragment");
    }

    @Test
    void parsesIcmpAndIpv6Transports() {
        assertEquals(Verdict.IPV4_ICMP, parse(new PacketBuilder().icmpEcho(77, 3).payload("ping").build()));
        assertEquals(IcmpFlyweight.ECHO_REQUEST, parser.icmp().type());
        assertEquals(77, parser.icmp().identifier());
        assertEquals(3, parser.icmp().sequenceNumber());
        assertTrue(parser.icmp().isChecksumValid(parser.l4Length()));

        long high = 0x2001_0db8_0000_0000L;
        assertEquals(Verdict.IPV6_ICMPV6, parse(new PacketBuilder().ipv6(high, 1, high, 2).icmpEcho(5, 6).build()));
        assertEquals(Icmpv6Flyweight.ECHO_REQUEST, parser.icmpv6().type());
        assertEquals(high, parser.ipv6().destinationHigh());
        assertEquals(2, parser.ipv6().destinationLow());

        assertEquals(Verdict.IPV6_TCP, parse(new PacketBuilder().ipv6(high, 1, high, 2).tcp(5, 6).ttl(3).build()));
        assertEquals(3, parser.ipv6().hopLimit());
        assertEquals(6, parser.tcp().destinationPort());
        assertTrue(parser.tcp().isChecksumValid(parser.ipv6().pseudoHeaderSum(6, 20), 20));
    }

    @Test
    void dropsAFrameThatDoesNotLieInsideItsSegment() {
        MemorySegment segment = MemorySegment.ofArray(new PacketBuilder().build());
        long size = segment.byteSize();
        assertEquals(Verdict.DROP, parser.parse(segment, 0, (int) size + 1));
        assertEquals(DropReason.FRAME_OUT_OF_BOUNDS, parser.dropReason());
        assertEquals(Verdict.DROP, parser.parse(segment, 1, (int) size));
        assertEquals(Verdict.DROP, parser.parse(segment, -1, 20));
        assertEquals(Verdict.DROP, parser.parse(segment, 0, -1));
        assertEquals(Verdict.DROP, parser.parse(segment, Long.MAX_VALUE, 20));
        assertEquals(5, parser.dropCount(DropReason.FRAME_OUT_OF_BOUNDS));
        assertEquals(Verdict.IPV4_TCP, parser.parse(segment, 0, (int) size));
    }

    @Test
    void countsDropsPerReasonAndAddsThemIntoATotalsArray() {
        parse(new byte[3]);
        parse(new byte[5]);
        parse(new PacketBuilder().udp(1, 2).udpLength(3).build());
        assertEquals(Verdict.IPV4_TCP, parse(new PacketBuilder().build()));
        assertNull(parser.dropReason());
        assertEquals(2, parser.dropCount(DropReason.ETHERNET_TRUNCATED));
        assertEquals(1, parser.dropCount(DropReason.UDP_BAD_LENGTH));
        long[] totals = new long[DropReason.COUNT];
        totals[DropReason.UDP_BAD_LENGTH.ordinal()] = 10;
        parser.addDropCountsTo(totals);
        long[] expected = new long[DropReason.COUNT];
        expected[DropReason.ETHERNET_TRUNCATED.ordinal()] = 2;
        expected[DropReason.UDP_BAD_LENGTH.ordinal()] = 11;
        assertArrayEquals(expected, totals);
    }

    @Test
    void flyweightWritesLandInTheFrame() {
        byte[] frame = new PacketBuilder().tcp(1000, 80).build();
        assertEquals(Verdict.IPV4_TCP, parse(frame));
        parser.ethernet().destination(0x0011_2233_4455L);
        parser.ipv4().replaceTtl(63);
        parser.ipv4().dontFragment(false);
        parser.ipv4().updateHeaderChecksum();
        assertEquals(0x00, frame[0]);
        assertEquals(0x55, frame[5]);
        assertEquals(63, frame[14 + 8]);
        assertEquals(Verdict.IPV4_TCP, parse(frame), "header checksum still valid after the writes");
        assertEquals(0x0011_2233_4455L, parser.ethernet().destination());
        assertFalse(parser.ipv4().hasDontFragment());
    }

    @Test
    void arpFieldsReadAndWrite() {
        byte[] frame = new PacketBuilder().arp(ArpFlyweight.OP_REQUEST, 0x0200_0000_0001L, Ipv4.parse("10.0.0.1"),
                0, Ipv4.parse("10.0.0.100")).build();
        assertEquals(Verdict.ARP, parse(frame));
        ArpFlyweight arp = parser.arp();
        assertTrue(arp.isEthernetIpv4());
        assertEquals(Ipv4.parse("10.0.0.100"), arp.targetProtocolAddress());
        arp.operation(ArpFlyweight.OP_REPLY);
        arp.targetHardwareAddress(arp.senderHardwareAddress());
        arp.senderHardwareAddress(0x0200_0000_00AAL);
        assertEquals(ArpFlyweight.OP_REPLY, arp.operation());
        assertEquals(0x0200_0000_0001L, arp.targetHardwareAddress());
        assertEquals((byte) 0xAA, frame[14 + 13]);
    }
}
