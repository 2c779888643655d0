package io.jlvs.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.testkit.Allocations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing (and the NAT-style incremental rewrites) allocate nothing on the worker thread. */
class ParserAllocationTest {
    private static final int FRAMES = 10_000;
    private static final int SLOT = 256;

    @Test
    void parsingTenThousandMixedFramesAllocatesNothing() {
        List<byte[]> kinds = new ArrayList<>();
        kinds.add(new PacketBuilder().tcp(40000, 80).payload("GET /").build());
        kinds.add(new PacketBuilder().vlan(5).udp(5000, 53).payload("q").padTo(60).build());
        kinds.add(new PacketBuilder().icmpEcho(1, 2).build());
        kinds.add(new PacketBuilder().ipv6(1, 2, 3, 4).udp(1, 2).build());
        kinds.add(new PacketBuilder().arp(1, 1, 2, 0, 3).build());
        for (MalformedFramesTest.Fixture fixture : MalformedFramesTest.fixtures()) {
            if (fixture.frame().length <= SLOT) {
                kinds.add(fixture.frame());
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate((long) kinds.size() * SLOT);
            int[] lengths = new int[kinds.size()];
            for (int i = 0; i < kinds.size(); i++) {
                byte[] frame = kinds.get(i);
                // odd offset: the kernel's ring puts the Ethernet header unaligned
                MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, (long) i * SLOT + 2, frame.length);
                lengths[i] = frame.length;
            }
            PacketParser parser = new PacketParser();
            long[] sink = new long[1];
            Runnable work = () -> {
                for (int n = 0; n < FRAMES; n++) {
                    int i = n % lengths.length;
                    Verdict verdict = parser.parse(ring, (long) i * SLOT + 2, lengths[i]);
                    if (verdict == Verdict.IPV4_TCP) {
                        int old = parser.ipv4().replaceDestinationAddress(0x0a000063 + (n & 1));
                        parser.tcp().adjustChecksum32(old, parser.ipv4().destinationAddress());
                        parser.tcp().replaceDestinationPort(8080 + (n & 1));
                    }
                    sink[0] += verdict.ordinal();
                }
            };
            for (int warm = 0; warm < 30; warm++) {
                work.run();
            }
            long bytes = Allocations.measure(work);
            assertEquals(0, bytes, "bytes allocated parsing " + FRAMES + " frames");
            assertTrue(parser.dropCount(DropReason.IPV4_BAD_IHL) > 0, "malformed frames were in the mix");
            assertTrue(sink[0] > 0);
        }
    }
}
