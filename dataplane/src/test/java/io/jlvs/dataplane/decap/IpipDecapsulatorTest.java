package io.jlvs.dataplane.decap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.testkit.Allocations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Frame table for {@link IpipDecapsulator}: which frames it unwraps, which it leaves with which
 * counter, and that the inner packet reaches the sink byte for byte (RFC 2003: the inner datagram
 * follows the outer header unchanged).
 */
class IpipDecapsulatorTest {
    private static final String RIP = "192.168.200.81";
    private static final int LOCAL = Ipv4.parse(RIP);

    /** An inner TCP SYN client -> VIP, as IP bytes (no Ethernet header). */
    private static byte[] innerSyn() {
        byte[] frame = new PacketBuilder().source("192.168.10.6").destination("192.168.188.100").tcp(40001, 80)
                .payload("hello").build();
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    private static PacketBuilder outer(byte[] inner) {
        return new PacketBuilder().source("192.168.188.8").destination(RIP).dontFragment(false).raw(4).payload(inner);
    }

    /** Captures what the decapsulator writes. */
    private static final class Sink implements IpipDecapsulator.PacketSink {
        byte[] last;
        int writes;
        long answer = Long.MIN_VALUE;

        @Override
        public long write(long address, long lengthBytes) {
            writes++;
            last = MemorySegment.ofAddress(address).reinterpret(lengthBytes).toArray(ValueLayout.JAVA_BYTE);
            return answer == Long.MIN_VALUE ? lengthBytes : answer;
        }
    }

    private record Row(String description, byte[] frame, ToLongFunction<IpipDecapsulator> counter) {
    }

    private static IpipDecapsulator feed(IpipDecapsulator decap, byte[] frame) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(frame.length + 64);
            MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, 32, frame.length);
            decap.onFrame(ring, 32, frame.length, frame.length, 0);
        }
        return decap;
    }

    @Test
    void unwrapsIpipToThisHostAndWritesTheInnerPacketUnchanged() {
        Sink sink = new Sink();
        byte[] inner = innerSyn();
        IpipDecapsulator decap = feed(new IpipDecapsulator(sink, LOCAL), outer(inner).build());
        assertEquals(1, decap.decapsulated());
        assertArrayEquals(inner, sink.last);
    }

    @Test
    void ignoresEthernetPaddingAfterTheOuterTotalLength() {
        Sink sink = new Sink();
        byte[] inner = innerSyn();
        IpipDecapsulator decap = feed(new IpipDecapsulator(sink, LOCAL), outer(inner).padTo(200).build());
        assertEquals(1, decap.decapsulated());
        assertArrayEquals(inner, sink.last);
    }

    @Test
    void acceptsAnyDestinationWhenTheLocalAddressIsZero() {
        Sink sink = new Sink();
        byte[] frame = new PacketBuilder().destination("10.9.9.9").raw(4).payload(innerSyn()).dontFragment(false).build();
        assertEquals(1, feed(new IpipDecapsulator(sink, 0), frame).decapsulated());
    }

    @Test
    void leavesEveryOtherFrameAndCountsWhy() {
        byte[] inner = innerSyn();
        List<Row> rows = List.of(
                new Row("plain TCP to the host", new PacketBuilder().destination(RIP).build(), IpipDecapsulator::notIpip),
                new Row("ARP", new PacketBuilder().arp(1, 0x0200_0000_0001L, 1, 0, LOCAL).build(), IpipDecapsulator::notIpip),
                new Row("shorter than Ethernet + IPv4", Arrays.copyOf(outer(inner).build(), 30), IpipDecapsulator::notIpip),
                new Row("IPIP to another host", new PacketBuilder().destination("192.168.200.82").raw(4).payload(inner)
                        .build(), IpipDecapsulator::notForUs),
                new Row("outer total length beyond the frame", outer(inner).totalLength(1400).build(),
                        IpipDecapsulator::malformed),
                new Row("outer IHL below 5", outer(inner).ihl(4).build(), IpipDecapsulator::malformed),
                new Row("outer version 6", outer(inner).version(6).build(), IpipDecapsulator::malformed),
                new Row("inner packet not IPv4", outer(new byte[] {0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0}).build(), IpipDecapsulator::malformed),
                new Row("outer fragment", outer(inner).fragment(true, 0).build(), IpipDecapsulator::fragments));
        for (Row row : rows) {
            Sink sink = new Sink();
            IpipDecapsulator decap = feed(new IpipDecapsulator(sink, LOCAL), row.frame());
            assertEquals(1, row.counter().applyAsLong(decap), row.description());
            assertEquals(0, sink.writes, row.description() + ": nothing written");
            assertEquals(0, decap.decapsulated(), row.description());
        }
    }

    @Test
    void countsPacketsTheDeviceRefuses() {
        Sink sink = new Sink();
        sink.answer = -1;
        IpipDecapsulator decap = feed(new IpipDecapsulator(sink, LOCAL), outer(innerSyn()).build());
        assertEquals(1, decap.sinkErrors());
        assertEquals(0, decap.decapsulated());
    }

    @Test
    void decapsulatesWithoutAllocating() {
        byte[] frame = outer(innerSyn()).build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, 0, frame.length);
            long[] total = new long[1];
            IpipDecapsulator decap = new IpipDecapsulator((address, length) -> {
                total[0] += length;
                return length;
            }, LOCAL);
            Runnable tenThousand = () -> {
                for (int i = 0; i < 10_000; i++) {
                    decap.onFrame(ring, 0, frame.length, frame.length, 0);
                }
            };
            for (int warm = 0; warm < 20; warm++) {
                tenThousand.run();
            }
            assertEquals(0, Allocations.measure(tenThousand));
            assertEquals(210_000, decap.decapsulated());
        }
    }
}
