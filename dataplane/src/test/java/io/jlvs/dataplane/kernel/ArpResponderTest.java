package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.ArpFlyweight;
import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.testkit.Allocations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ARP requests in, replies (or none) out, as Linux answers for an address it holds. */
class ArpResponderTest {
    private static final long OUR_MAC = 0x0200_00AA_0001L;
    private static final long CLIENT_MAC = 0x0200_00CC_0002L;
    private static final int VIP = Ipv4.parse("10.213.0.50");
    private static final int OTHER_VIP = Ipv4.parse("10.213.0.51");
    private static final int CLIENT = Ipv4.parse("10.213.0.2");
    private static final EthernetFlyweight ETHERNET = new EthernetFlyweight();
    private static final ArpFlyweight ARP = new ArpFlyweight();

    /** One fixture: what arrives, what must leave (null: nothing). */
    record Case(String description, byte[] input, byte[] expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("request for a VIP gets a reply to the requester",
                        request(CLIENT_MAC, CLIENT, VIP).build(),
                        reply(VIP, CLIENT).build()),
                new Case("request for the second VIP gets a reply",
                        request(CLIENT_MAC, CLIENT, OTHER_VIP).build(),
                        reply(OTHER_VIP, CLIENT).build()),
                new Case("unicast request to our MAC (a cache refresh) gets a reply",
                        request(CLIENT_MAC, CLIENT, VIP).destinationMac(OUR_MAC).build(),
                        reply(VIP, CLIENT).build()),
                new Case("request sent to another host's MAC is ignored",
                        request(CLIENT_MAC, CLIENT, VIP).destinationMac(0x0200_00EE_0003L).build(), null),
                new Case("request for an address not owned is ignored",
                        request(CLIENT_MAC, CLIENT, Ipv4.parse("10.213.0.1")).build(), null),
                new Case("reply for a VIP is ignored",
                        new PacketBuilder().sourceMac(CLIENT_MAC).destinationMac(Mac.BROADCAST)
                                .arp(ArpFlyweight.OP_REPLY, CLIENT_MAC, CLIENT, 0, VIP).build(), null),
                new Case("RFC 5227 probe (sender 0.0.0.0) gets a reply targeting 0.0.0.0",
                        request(CLIENT_MAC, 0, VIP).build(),
                        reply(VIP, 0).build()),
                new Case("announcement of the VIP by another host is not answered",
                        request(CLIENT_MAC, VIP, VIP).build(), null),
                new Case("request from a multicast sender MAC is ignored",
                        request(0x0100_5E00_0001L, CLIENT, VIP).build(), null),
                new Case("request from a zero sender MAC is ignored",
                        request(0, CLIENT, VIP).build(), null),
                new Case("tagged request gets a reply with the same tag",
                        request(CLIENT_MAC, CLIENT, VIP).vlan(42).build(),
                        reply(VIP, CLIENT).vlan(42).build()),
                new Case("truncated ARP packet is ignored",
                        request(CLIENT_MAC, CLIENT, VIP).truncateTo(14 + 27).build(), null),
                new Case("ARP for another hardware type is ignored",
                        withByte(request(CLIENT_MAC, CLIENT, VIP).build(), 15, 6), null));
    }

    private static PacketBuilder request(long senderMac, int sender, int target) {
        return new PacketBuilder().sourceMac(senderMac).destinationMac(Mac.BROADCAST)
                .arp(ArpFlyweight.OP_REQUEST, senderMac, sender, 0, target);
    }

    private static PacketBuilder reply(int vip, int target) {
        return new PacketBuilder().sourceMac(OUR_MAC).destinationMac(CLIENT_MAC)
                .arp(ArpFlyweight.OP_REPLY, OUR_MAC, vip, CLIENT_MAC, target);
    }

    private static byte[] withByte(byte[] frame, int index, int value) {
        frame[index] = (byte) value;
        return frame;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void answersAsLinuxDoes(Case c) {
        ArpResponder responder = new ArpResponder(OUR_MAC, VIP, OTHER_VIP);
        MemorySegment out = MemorySegment.ofArray(new byte[128]);
        int length = respond(responder, MemorySegment.ofArray(c.input()), c.input().length, out);
        if (c.expected() == null) {
            assertEquals(ArpResponder.NO_REPLY, length, c.description());
        } else {
            assertArrayEquals(c.expected(), Arrays.copyOf(out.toArray(ValueLayout.JAVA_BYTE), length), c.description());
        }
    }

    private static int respond(ArpResponder responder, MemorySegment frame, int frameLength, MemorySegment out) {
        ETHERNET.wrap(frame, 0, frameLength);
        int header = ETHERNET.headerLength();
        ARP.wrap(frame, header, frameLength - header);
        return responder.reply(ETHERNET, ARP, out, 0);
    }

    @Test
    void gratuitousArpIsABroadcastAnnouncement() {
        ArpResponder responder = new ArpResponder(OUR_MAC, VIP);
        MemorySegment out = MemorySegment.ofArray(new byte[64]);
        int length = responder.writeGratuitous(out, 0, VIP);
        byte[] expected = {
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,   // destination: broadcast
            0x02, 0x00, 0x00, (byte) 0xaa, 0x00, 0x01,                                       // source: our MAC
            0x08, 0x06,                                                                      // EtherType ARP
            0x00, 0x01,                                                                      // hardware type Ethernet
            0x08, 0x00,                                                                      // protocol type IPv4
            0x06, 0x04,                                                                      // lengths 6 and 4
            0x00, 0x01,                                                                      // operation: request
            0x02, 0x00, 0x00, (byte) 0xaa, 0x00, 0x01,                                       // sender MAC: ours
            10, (byte) 213, 0, 50,                                                           // sender address: VIP
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                              // target MAC: zero
            10, (byte) 213, 0, 50,                                                           // target address: VIP
        };
        assertEquals(ArpFrames.FRAME_LENGTH, length);
        assertArrayEquals(expected, Arrays.copyOf(out.toArray(ValueLayout.JAVA_BYTE), length));
    }

    @Test
    void requestFrameAsksForTheTarget() {
        MemorySegment out = MemorySegment.ofArray(new byte[64]);
        int length = new ArpFrames().writeRequest(out, 0, OUR_MAC, Ipv4.parse("10.213.0.1"), CLIENT);
        byte[] expected = new PacketBuilder().sourceMac(OUR_MAC).destinationMac(Mac.BROADCAST)
                .arp(ArpFlyweight.OP_REQUEST, OUR_MAC, Ipv4.parse("10.213.0.1"), 0, CLIENT).build();
        assertArrayEquals(expected, Arrays.copyOf(out.toArray(ValueLayout.JAVA_BYTE), length));
    }

    @Test
    void replyAllocatesNothing() {
        ArpResponder responder = new ArpResponder(OUR_MAC, VIP, OTHER_VIP);
        byte[] request = request(CLIENT_MAC, CLIENT, VIP).build();
        byte[] other = request(CLIENT_MAC, CLIENT, Ipv4.parse("10.213.0.1")).build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(request.length);
            MemorySegment.copy(request, 0, in, ValueLayout.JAVA_BYTE, 0, request.length);
            MemorySegment miss = arena.allocate(other.length);
            MemorySegment.copy(other, 0, miss, ValueLayout.JAVA_BYTE, 0, other.length);
            MemorySegment out = arena.allocate(128);
            int[] replies = new int[1];
            Runnable work = () -> {
                for (int i = 0; i < 10_000; i++) {
                    replies[0] += respond(responder, in, request.length, out);
                    replies[0] += respond(responder, miss, other.length, out);
                }
            };
            for (int i = 0; i < 20; i++) {
                Allocations.measure(work);
            }
            replies[0] = 0;
            assertEquals(0, Allocations.measure(work));
            assertEquals(10_000 * ArpFrames.FRAME_LENGTH, replies[0]);
        }
    }
}
