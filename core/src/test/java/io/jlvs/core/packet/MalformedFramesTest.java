package io.jlvs.core.packet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames as a table, Katran style: description, frame, expected verdict, expected drop reason.
 * Every row is parsed; none may throw.
 */
class MalformedFramesTest {
    /** One row of the table; {@code reason} is null for frames that are not dropped. */
    record Fixture(String description, byte[] frame, Verdict verdict, DropReason reason) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static final long V6_HIGH = 0xfd00_0000_0000_0000L;

    private static Fixture drop(String description, byte[] frame, DropReason reason) {
        return new Fixture(description, frame, Verdict.DROP, reason);
    }

    private static Fixture ok(String description, byte[] frame, Verdict verdict) {
        return new Fixture(description, frame, verdict, null);
    }

    private static PacketBuilder tcp() {
        return new PacketBuilder().tcp(40000, 80);
    }

    private static PacketBuilder udp() {
        return new PacketBuilder().udp(40000, 53);
    }

    private static PacketBuilder v6() {
        return new PacketBuilder().ipv6(V6_HIGH, 1, V6_HIGH, 2);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static List<Fixture> fixtures() {
        return List.of(
                // Ethernet and VLAN
                drop("empty frame", new byte[0], DropReason.ETHERNET_TRUNCATED),
                drop("13 bytes, one short of an Ethernet header", new byte[13], DropReason.ETHERNET_TRUNCATED),
                drop("802.1Q tag cut after the TCI", tcp().vlan(7).truncateTo(16).build(), DropReason.VLAN_TRUNCATED),
                drop("802.1Q tag cut inside the inner EtherType", tcp().vlan(7).truncateTo(17).build(),
                        DropReason.VLAN_TRUNCATED),
                drop("two 802.1Q tags (QinQ with 0x8100 inside)", tcp().vlan(7).etherType(0x8100).build(),
                        DropReason.VLAN_STACKED),
                drop("802.1ad service tag outside", tcp().etherType(0x88a8).build(), DropReason.VLAN_STACKED),
                drop("LLDP EtherType 0x88cc", tcp().etherType(0x88cc).build(), DropReason.UNSUPPORTED_ETHERTYPE),
                drop("802.3 length field instead of an EtherType", tcp().etherType(0x0040).build(),
                        DropReason.UNSUPPORTED_ETHERTYPE),
                // ARP
                drop("ARP cut to 20 of 28 bytes", new PacketBuilder().arp(1, 0x0200_0000_0001L, 0x0a000001, 0,
                        0x0a000002).truncateTo(34).build(), DropReason.ARP_TRUNCATED),
                drop("ARP for hardware type 6 (IEEE 802)", bytes(
                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // destination MAC: broadcast
                        0x02, 0, 0, 0, 0, 0x01,               // source MAC
                        0x08, 0x06,                           // EtherType ARP
                        0x00, 0x06,                           // hardware type 6: not Ethernet
                        0x08, 0x00,                           // protocol type IPv4
                        6, 4,                                 // address lengths
                        0x00, 0x01,                           // operation: request
                        0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,  // sender MAC, sender IPv4
                        0, 0, 0, 0, 0, 0, 10, 0, 0, 2),       // target MAC, target IPv4
                        DropReason.ARP_NOT_ETHERNET_IPV4),
                // IPv4 header
                drop("IPv4 cut to 19 bytes", tcp().truncateTo(14 + 19).build(), DropReason.IPV4_TRUNCATED),
                drop("IPv4 cut to 19 bytes behind a VLAN tag", tcp().vlan(10).truncateTo(18 + 19).build(),
                        DropReason.IPV4_TRUNCATED),
                drop("version 6 under EtherType IPv4", tcp().version(6).build(), DropReason.IPV4_BAD_VERSION),
                drop("version 0", tcp().version(0).build(), DropReason.IPV4_BAD_VERSION),
                drop("IHL 4", tcp().ihl(4).build(), DropReason.IPV4_BAD_IHL),
                drop("IHL 0", tcp().ihl(0).build(), DropReason.IPV4_BAD_IHL),
                drop("IHL 15 (60 bytes) in a 40-byte datagram", tcp().ihl(15).build(),
                        DropReason.IPV4_HEADER_TRUNCATED),
                drop("total length 19, below the header", tcp().totalLength(19).build(),
                        DropReason.IPV4_TOTAL_LENGTH_TOO_SHORT),
                drop("total length 20 with a 24-byte header (options)", tcp().ipOptions(1, 1, 1, 0).totalLength(20)
                        .build(), DropReason.IPV4_TOTAL_LENGTH_TOO_SHORT),
                drop("total length one past the frame", tcp().totalLength(41).build(),
                        DropReason.IPV4_TOTAL_LENGTH_BEYOND_FRAME),
                drop("total length 65535 in a short frame", tcp().totalLength(65535).build(),
                        DropReason.IPV4_TOTAL_LENGTH_BEYOND_FRAME),
                drop("frame cut inside the TCP header", tcp().truncateTo(14 + 30).build(),
                        DropReason.IPV4_TOTAL_LENGTH_BEYOND_FRAME),
                drop("header checksum off by one", tcp().ipChecksum(0x1234).build(), DropReason.IPV4_BAD_CHECKSUM),
                drop("option with length byte 0", tcp().ipOptions(0x07, 0x00, 0, 0).build(),
                        DropReason.IPV4_BAD_OPTION),
                drop("timestamp option longer than the options", tcp().ipOptions(0x44, 0x28, 0x05, 0x00).build(),
                        DropReason.IPV4_BAD_OPTION),
                drop("option type without its length byte", tcp().ipOptions(1, 1, 1, 0x44).build(),
                        DropReason.IPV4_BAD_OPTION),
                drop("fragment at offset 65528 with 28 bytes (past 65535)", udp().fragment(false, 8191)
                        .payload(new byte[20]).build(), DropReason.IPV4_FRAGMENT_OVERFLOW),
                // TCP
                drop("TCP: 19 bytes of IP payload", new PacketBuilder().raw(6).payload(new byte[19]).build(),
                        DropReason.TCP_TRUNCATED),
                drop("TCP data offset 4", tcp().dataOffset(4).build(), DropReason.TCP_BAD_DATA_OFFSET),
                drop("TCP data offset 0", tcp().dataOffset(0).build(), DropReason.TCP_BAD_DATA_OFFSET),
                drop("TCP data offset 15 in a 20-byte segment", tcp().dataOffset(15).build(),
                        DropReason.TCP_HEADER_BEYOND_SEGMENT),
                drop("TCP data offset 6 reaching only into Ethernet padding", tcp().dataOffset(6).padTo(60).build(),
                        DropReason.TCP_HEADER_BEYOND_SEGMENT),
                drop("TCP data offset 4, written out", bytes(
                        0x02, 0, 0, 0, 0, 0x02,               // destination MAC
                        0x02, 0, 0, 0, 0, 0x01,               // source MAC
                        0x08, 0x00,                           // EtherType IPv4
                        0x45, 0x00, 0x00, 0x28,               // version 4, IHL 5, TOS 0, total length 40
                        0x00, 0x01, 0x40, 0x00,               // id 1, DF, offset 0
                        0x40, 0x06, 0x26, 0xcd,               // TTL 64, TCP, header checksum 26cd
                        10, 0, 0, 1,                          // source 10.0.0.1
                        10, 0, 0, 2,                          // destination 10.0.0.2
                        0x9c, 0x40, 0x00, 0x50,               // ports 40000 -> 80
                        0, 0, 0, 1,                           // sequence number
                        0, 0, 0, 0,                           // acknowledgment number
                        0x40, 0x02, 0xff, 0xff,               // data offset 4 (bad), SYN, window
                        0x00, 0x00, 0x00, 0x00),              // checksum (unchecked), urgent pointer
                        DropReason.TCP_BAD_DATA_OFFSET),
                // UDP
                drop("UDP: 7 bytes of IP payload", new PacketBuilder().raw(17).payload(new byte[7]).build(),
                        DropReason.UDP_TRUNCATED),
                drop("UDP length 7", udp().udpLength(7).build(), DropReason.UDP_BAD_LENGTH),
                drop("UDP length 0", udp().udpLength(0).build(), DropReason.UDP_BAD_LENGTH),
                drop("UDP length one past the IP payload", udp().payload(new byte[10]).udpLength(19).build(),
                        DropReason.UDP_LENGTH_BEYOND_PAYLOAD),
                drop("UDP length reaching into Ethernet padding", udp().payload(new byte[2]).udpLength(20).padTo(60)
                        .build(), DropReason.UDP_LENGTH_BEYOND_PAYLOAD),
                // ICMP
                drop("ICMP: 7 bytes of IP payload", new PacketBuilder().raw(1).payload(new byte[7]).build(),
                        DropReason.ICMP_TRUNCATED),
                // IPv6
                drop("IPv6 cut to 39 bytes", v6().udp(1, 2).truncateTo(14 + 39).build(), DropReason.IPV6_TRUNCATED),
                drop("version 4 under EtherType IPv6", v6().udp(1, 2).version(4).build(),
                        DropReason.IPV6_BAD_VERSION),
                drop("IPv6 payload length one past the frame", v6().udp(1, 2).totalLength(9).build(),
                        DropReason.IPV6_PAYLOAD_BEYOND_FRAME),
                drop("IPv6 TCP: 10 bytes of payload", v6().raw(6).payload(new byte[10]).build(),
                        DropReason.TCP_TRUNCATED),
                drop("IPv6 UDP length 4", v6().udp(1, 2).udpLength(4).build(), DropReason.UDP_BAD_LENGTH),
                drop("IPv6 UDP with checksum 0", v6().udp(1, 2).l4Checksum(0).build(),
                        DropReason.UDP_IPV6_ZERO_CHECKSUM),
                drop("ICMPv6: 4 bytes of payload", v6().raw(58).payload(new byte[4]).build(),
                        DropReason.ICMPV6_TRUNCATED),
                // Well-formed edge cases that must not be dropped
                ok("Ethernet padding after a 28-byte UDP datagram", udp().padTo(60).build(), Verdict.IPV4_UDP),
                ok("TCP with options behind a VLAN tag", tcp().vlan(100).tcpOptions(2, 4, 5, 0xb4).build(),
                        Verdict.IPV4_TCP),
                ok("IPv4 with a router alert option", udp().ipOptions(0x94, 0x04, 0, 0).build(), Verdict.IPV4_UDP),
                ok("first fragment", udp().fragment(true, 0).payload(new byte[16]).build(), Verdict.IPV4_FRAGMENT),
                ok("non-first fragment (no transport header)", new PacketBuilder().raw(6).fragment(false, 3)
                        .payload(new byte[5]).build(), Verdict.IPV4_FRAGMENT),
                ok("GRE over IPv4", new PacketBuilder().raw(47).payload(new byte[4]).build(), Verdict.IPV4_OTHER),
                ok("IPv6 hop-by-hop extension header", v6().raw(0).payload(new byte[8]).build(),
                        Verdict.IPV6_EXTENSION),
                ok("IPv6 fragment extension header", v6().raw(44).payload(new byte[8]).build(),
                        Verdict.IPV6_EXTENSION),
                ok("IPv6 no next header", v6().raw(59).build(), Verdict.IPV6_OTHER),
                ok("UDP checksum 0 (none) on IPv4", udp().udpNoChecksum().build(), Verdict.IPV4_UDP),
                ok("ARP request", new PacketBuilder().arp(1, 0x0200_0000_0001L, 0x0a000001, 0, 0x0a000002).build(),
                        Verdict.ARP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void parsesFixtureToExpectedVerdictAndReason(Fixture fixture) {
        PacketParser parser = new PacketParser();
        MemorySegment frame = MemorySegment.ofArray(fixture.frame());
        Verdict verdict = assertDoesNotThrow(() -> parser.parse(frame, 0, fixture.frame().length));
        assertEquals(fixture.verdict(), verdict);
        assertEquals(fixture.reason(), parser.dropReason());
        if (fixture.reason() != null) {
            assertEquals(1, parser.dropCount(fixture.reason()));
        }
    }

    @Test
    void tableHasThirtyMalformedFramesAndCoversEveryPacketDropReason() {
        List<Fixture> drops = fixtures().stream().filter(f -> f.reason() != null).toList();
        assertTrue(drops.size() >= 30, "malformed frames: " + drops.size());
        Set<DropReason> covered = drops.stream().map(Fixture::reason)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(DropReason.class)));
        // FRAME_OUT_OF_BOUNDS needs a length the frame does not have: PacketParserTest covers it
        assertEquals(EnumSet.complementOf(EnumSet.of(DropReason.FRAME_OUT_OF_BOUNDS)), covered);
    }

    @Test
    void everyPrefixOfEveryFixtureParsesWithoutThrowing() {
        PacketParser parser = new PacketParser();
        Stream.concat(fixtures().stream(), Stream.of(new Fixture("valid", tcp().build(), Verdict.IPV4_TCP, null)))
                .forEach(f -> {
                    MemorySegment frame = MemorySegment.ofArray(f.frame());
                    for (int length = 0; length <= f.frame().length; length++) {
                        int n = length;
                        Verdict verdict = assertDoesNotThrow(() -> parser.parse(frame, 0, n), f.description());
                        assertEquals(verdict == Verdict.DROP, parser.dropReason() != null, f.description());
                    }
                });
    }
}
