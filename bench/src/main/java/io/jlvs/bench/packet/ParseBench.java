package io.jlvs.bench.packet;

import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.Verdict;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Parsing an IPv4/TCP frame in native memory (at an unaligned offset, as in a PACKET_MMAP
 * ring), and a NAT-style rewrite of destination address and port with the IPv4 and TCP
 * checksums recomputed in full versus updated by RFC 1624.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParseBench {
    private static final long FRAME_OFFSET = 2;
    private static final int[] DESTINATIONS = {0x0A00_0063, 0x0A00_0064};
    private static final int[] PORTS = {8080, 8081};

    /** TCP payload bytes: an empty ACK and a full-size segment. */
    @Param({"0", "1400"})
    public int payloadBytes;

    private Arena arena;
    private MemorySegment ring;
    private int frameLength;
    private final PacketParser parser = new PacketParser();
    private int flip;

    /** Builds the frame into native memory and parses it once so the flyweights are wrapped. */
    @Setup(Level.Trial)
    public void setUp() {
        byte[] frame = new PacketBuilder().source("192.168.0.10").destination("10.0.0.1")
                .tcp(51515, 80).tcpFlags(TcpFlyweight.ACK | TcpFlyweight.PSH).sequence(1, 1)
                .payload(new byte[payloadBytes]).build();
        arena = Arena.ofShared();
        ring = arena.allocate(frame.length + FRAME_OFFSET);
        MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, FRAME_OFFSET, frame.length);
        frameLength = frame.length;
        if (parser.parse(ring, FRAME_OFFSET, frameLength) != Verdict.IPV4_TCP) {
            throw new IllegalStateException("benchmark frame does not parse: " + parser.dropReason());
        }
    }

    /** Frees the native frame. */
    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Ethernet, IPv4 (header checksum verified) and TCP parsed and length-checked. */
    @Benchmark
    public Verdict parseTcp() {
        return parser.parse(ring, FRAME_OFFSET, frameLength);
    }

    /** NAT rewrite, then both checksums recomputed over header and segment. */
    @Benchmark
    public int natRewriteFullChecksum() {
        int i = flip ^= 1;
        Ipv4Flyweight ip = parser.ipv4();
        TcpFlyweight tcp = parser.tcp();
        ip.destinationAddress(DESTINATIONS[i]);
        tcp.destinationPort(PORTS[i]);
        ip.updateHeaderChecksum();
        int l4Length = parser.l4Length();
        tcp.checksum(tcp.computeChecksum(ip.pseudoHeaderSum(l4Length), l4Length));
        return tcp.checksum();
    }

    /** NAT rewrite with RFC 1624 incremental updates of both checksums. */
    @Benchmark
    public int natRewriteIncrementalChecksum() {
        int i = flip ^= 1;
        Ipv4Flyweight ip = parser.ipv4();
        TcpFlyweight tcp = parser.tcp();
        int old = ip.replaceDestinationAddress(DESTINATIONS[i]);
        tcp.adjustChecksum32(old, DESTINATIONS[i]);
        tcp.replaceDestinationPort(PORTS[i]);
        return tcp.checksum();
    }
}
