package io.jlvs.bench.pipeline;

import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.MemoryFrameSink;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;
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
 * One worker's pipeline on an established connection: a client ACK with 64 bytes of data
 * forwarded by DR, NAT or TUN, and (NAT) the real server's reply, each copied into a
 * native "ring" slot, processed in place and sent into an in-memory sink. Measures the
 * whole path: parse, service lookup, connection lookup and state, counters, rewrite, copy out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBench {
    private static final int VIP = Ipv4.parse("192.168.10.100");
    private static final int CLIENT = Ipv4.parse("203.0.113.5");
    private static final int RS = Ipv4.parse("192.168.188.81");
    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_DDL;
    private static final long RS_MAC = 0x02_00_00_00_00_81L;
    private static final int HEADROOM = 64;
    private static final long NOW_MS = 1_000_000;

    /** Forwarding method of the service. */
    @Param({"dr", "nat", "tun"})
    public String method;

    private Arena arena;
    private MemorySegment pristine;
    private MemorySegment reply;
    private MemorySegment slot;
    private int requestLength;
    private int replyLength;
    private ConnTable table;
    private Pipeline pipeline;
    private MemoryFrameSink sink;

    /** Builds the director, opens the connection with a SYN, and stores the frames in native memory. */
    @Setup(Level.Trial)
    public void setUp() {
        ForwardingMethod m = switch (method) {
            case "nat" -> ForwardingMethod.MASQ;
            case "tun" -> ForwardingMethod.TUNNEL;
            default -> ForwardingMethod.ROUTE;
        };
        ServiceTable services = ServiceTable.of(List.of(new ServiceSpec(new ServiceKey.Address(Protocol.TCP, VIP, 80),
                "rr", 0, Optional.empty(), List.of(new RealServerSpec(RS, 80, 1, m, 0, 0)))));
        table = new ConnTable(1 << 16);
        ConnTracker tracker = new ConnTracker(table, services.registry(), new Timeouts(), new ConnSysctls());
        sink = new MemoryFrameSink(4, 2048);
        pipeline = new Pipeline(0, tracker, services, services.newCounters(),
                new Port[] {new Port("eth0", 2, DIRECTOR_MAC, 1500, Ipv4.parse("192.168.10.1"))},
                new FrameSink[] {sink}, new StaticNextHops().neighbour(RS, RS_MAC, 0).defaultRoute(0x02_00_00_00_00_01L, 0),
                ArpHandler.IGNORE);
        arena = Arena.ofShared();
        slot = arena.allocate(HEADROOM + 2048);
        byte[] syn = new PacketBuilder().destinationMac(DIRECTOR_MAC).source(CLIENT).destination(VIP).tcp(40000, 80)
                .tcpFlags(TcpFlyweight.SYN).build();
        byte[] ack = new PacketBuilder().destinationMac(DIRECTOR_MAC).source(CLIENT).destination(VIP).tcp(40000, 80)
                .tcpFlags(TcpFlyweight.ACK).sequence(1, 1).payload(new byte[64]).build();
        byte[] back = new PacketBuilder().sourceMac(RS_MAC).destinationMac(DIRECTOR_MAC).source(RS).destination(CLIENT)
                .tcp(80, 40000).tcpFlags(TcpFlyweight.ACK).sequence(1, 65).payload(new byte[64]).build();
        pristine = arena.allocate(ack.length);
        MemorySegment.copy(ack, 0, pristine, ValueLayout.JAVA_BYTE, 0, ack.length);
        reply = arena.allocate(back.length);
        MemorySegment.copy(back, 0, reply, ValueLayout.JAVA_BYTE, 0, back.length);
        requestLength = ack.length;
        replyLength = back.length;
        MemorySegment.copy(syn, 0, slot, ValueLayout.JAVA_BYTE, HEADROOM, syn.length);
        if (pipeline.process(0, slot, HEADROOM, syn.length, 0, NOW_MS) != PipelineVerdict.FORWARDED) {
            throw new IllegalStateException("the SYN was not forwarded");
        }
    }

    /** Frees the native memory and the table. */
    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        table.close();
    }

    /** A client packet of an established connection, in and out of the pipeline. */
    @Benchmark
    public PipelineVerdict clientPacket() {
        MemorySegment.copy(pristine, 0, slot, HEADROOM, requestLength);
        sink.clear();
        return pipeline.process(0, slot, HEADROOM, requestLength, 0, NOW_MS);
    }

    /** A real-server reply of the NAT connection (passed, untouched, for DR and TUN). */
    @Benchmark
    public PipelineVerdict serverReply() {
        MemorySegment.copy(reply, 0, slot, HEADROOM, replyLength);
        sink.clear();
        return pipeline.process(0, slot, HEADROOM, replyLength, 0, NOW_MS);
    }
}
