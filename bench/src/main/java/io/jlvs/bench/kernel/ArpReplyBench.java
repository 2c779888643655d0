package io.jlvs.bench.kernel;

import io.jlvs.core.packet.ArpFlyweight;
import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.dataplane.kernel.ArpResponder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** An ARP reply written into native memory for a request, in native memory, for an owned VIP. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ArpReplyBench {
    private static final int VIP = 0x0AD5_FF32;

    private Arena arena;
    private MemorySegment reply;
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private ArpResponder responder;

    /** Builds the request in native memory and wraps the flyweights over it. */
    @Setup(Level.Trial)
    public void setUp() {
        byte[] frame = new PacketBuilder().sourceMac(0x0200_00CC_0002L).destinationMac(0xFFFF_FFFF_FFFFL)
                .arp(ArpFlyweight.OP_REQUEST, 0x0200_00CC_0002L, 0x0AD5_0002, 0, VIP).build();
        arena = Arena.ofShared();
        MemorySegment request = arena.allocate(frame.length);
        MemorySegment.copy(frame, 0, request, ValueLayout.JAVA_BYTE, 0, frame.length);
        reply = arena.allocate(64);
        responder = new ArpResponder(0x0200_00AA_0001L, VIP);
        ethernet.wrap(request, 0, frame.length);
        arp.wrap(request, EthernetFlyweight.HEADER_LENGTH, ArpFlyweight.LENGTH);
    }

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** One ARP reply written for an owned VIP. */
    @Benchmark
    public int arpReply() {
        return responder.reply(ethernet, arp, reply, 0);
    }
}
