package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.ArpFlyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.Verdict;
import io.jlvs.core.testkit.Allocations;
import io.jlvs.dataplane.pipeline.MemoryFrameSink;
import io.jlvs.dataplane.pipeline.Port;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker's ARP handler answers for the VIPs it is given, on the interface the request came in on. */
class VipArpHandlerTest {
    private static final long CLIENT_MAC = 0x0200_00CC_0002L;
    private static final int CLIENT = Ipv4.parse("10.213.0.2");
    private static final int VIP = Ipv4.parse("10.213.0.50");
    private static final List<Port> PORTS = List.of(new Port("eth0", 2, 0x0200_00AA_0001L, 1500, 0),
            new Port("eth1", 3, 0x0200_00AA_0002L, 1500, 0));

    private final PacketParser parser = new PacketParser();
    private final MemoryFrameSink sink = new MemoryFrameSink(4, 2048);
    private final byte[] request = new PacketBuilder().sourceMac(CLIENT_MAC).destinationMac(Mac.BROADCAST)
            .arp(ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0, VIP).build();

    private boolean arrive(VipArpHandler handler, int port) {
        assertEquals(Verdict.ARP, parser.parse(MemorySegment.ofArray(request), 0, request.length));
        return handler.onArp(port, parser, sink);
    }

    @Test
    void answersForItsVipsWithTheMacOfTheIncomingInterface() {
        VipArpHandler handler = new VipArpHandler(PORTS);
        handler.vips(new int[] {VIP});
        assertTrue(arrive(handler, 1));
        byte[] expected = new PacketBuilder().sourceMac(0x0200_00AA_0002L).destinationMac(CLIENT_MAC)
                .arp(ArpFlyweight.OP_REPLY, 0x0200_00AA_0002L, VIP, CLIENT_MAC, CLIENT).build();
        assertArrayEquals(expected, sink.frame(0));
    }

    @Test
    void answersNothingWithoutVipsOrAfterThemBeingWithdrawn() {
        VipArpHandler handler = new VipArpHandler(PORTS);
        assertFalse(arrive(handler, 0));
        handler.vips(new int[] {VIP});
        handler.vips(new int[0]);
        assertFalse(arrive(handler, 0));
        assertEquals(0, sink.count());
    }

    @Test
    void answeringAllocatesNothing() {
        VipArpHandler handler = new VipArpHandler(PORTS);
        handler.vips(new int[] {VIP});
        MemorySegment frame = MemorySegment.ofArray(request);
        int[] answered = new int[1];
        Runnable work = () -> {
            for (int i = 0; i < 10_000; i++) {
                parser.parse(frame, 0, request.length);
                answered[0] += handler.onArp(0, parser, sink) ? 1 : 0;
                sink.clear();
            }
        };
        for (int w = 0; w < 5; w++) {
            work.run();
        }
        assertEquals(0, Allocations.leastOf(3, work), "bytes allocated by 10 000 answers");
        assertTrue(answered[0] > 0);
    }
}
