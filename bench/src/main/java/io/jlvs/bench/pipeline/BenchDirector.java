package io.jlvs.bench.pipeline;

import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.ConnResult;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.ConnVerdict;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.conn.TrackedService;
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
import java.util.List;
import java.util.Optional;

/**
 * The director the pipeline benchmarks drive: what one worker of jlvsd holds, minus the rings.
 *
 * <ul>
 *   <li>One TCP service {@code 192.168.10.100:80}, scheduler {@code rr}, one real server
 *       {@code 192.168.188.81:80} forwarded by DR, NAT or TUN.</li>
 *   <li>A connection table for {@value #CAPACITY} entries already holding
 *       {@value #BACKGROUND} connections of other clients (load 0.4 of its slots), so
 *       lookups and inserts probe a table in use, not an empty one.</li>
 *   <li>One worker's {@link Pipeline} with one port, an in-memory sink of four slots and
 *       static next hops; the clock stands still at {@link #NOW_MS}, so nothing expires
 *       unless a caller passes a later time.</li>
 *   <li>A native "ring slot" with {@value #HEADROOM} bytes of headroom (a TUN frame grows
 *       into it): {@link #process} copies a frame there, as the NIC would, empties the sink
 *       and runs the pipeline on it in place.</li>
 * </ul>
 *
 * <p>Owned by one benchmark thread. {@link #process}, {@link #expire} and the {@link Frames}
 * copies allocate nothing; the constructor and {@link #frames} do.
 */
final class BenchDirector implements AutoCloseable {
    static final int VIP = Ipv4.parse("192.168.10.100");
    static final int VPORT = 80;
    static final int RS = Ipv4.parse("192.168.188.81");
    static final int CLIENT = Ipv4.parse("203.0.113.5");
    static final int CLIENT_PORT = 40000;
    static final long DIRECTOR_MAC = 0x02_00_00_00_00_DDL;
    static final long RS_MAC = 0x02_00_00_00_00_81L;
    static final long NOW_MS = 1_000_000;
    static final int HEADROOM = 64;
    static final int CAPACITY = 1 << 18;
    static final int BACKGROUND = 1 << 17;
    /** Addresses of the background clients: 100.64.0.0 + i, port 50000. */
    private static final int BACKGROUND_CLIENTS = Ipv4.parse("100.64.0.0");
    private static final int BACKGROUND_PORT = 50000;
    /** Addresses of the new-connection keys: 198.18.0.0 + i / 16384 (RFC 2544's benchmarking range). */
    private static final int KEY_CLIENTS = Ipv4.parse("198.18.0.0");
    /** Later than any timeout of a connection opened at {@link #NOW_MS}. */
    private static final long EXPIRED_MS = NOW_MS + 3_600_000;
    private static final int TCP = 6;
    private static final int FRAME_STRIDE = 128;

    private final ConnTable table;
    private final ConnTracker tracker;
    private final Pipeline pipeline;
    private final MemoryFrameSink sink = new MemoryFrameSink(4, 2048);
    private final ConnResult result = new ConnResult();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment slot = arena.allocate(HEADROOM + 2048);

    /** A director forwarding its one real server by {@code method} ({@code dr}, {@code nat} or {@code tun}). */
    BenchDirector(String method) {
        ForwardingMethod m = switch (method) {
            case "dr" -> ForwardingMethod.ROUTE;
            case "nat" -> ForwardingMethod.MASQ;
            case "tun" -> ForwardingMethod.TUNNEL;
            default -> throw new IllegalArgumentException("method must be dr, nat or tun, was " + method);
        };
        ServiceTable services = ServiceTable.of(List.of(new ServiceSpec(
                new ServiceKey.Address(Protocol.TCP, VIP, VPORT), "rr", 0, Optional.empty(),
                List.of(new RealServerSpec(RS, VPORT, 1, m, 0, 0)))));
        table = new ConnTable(CAPACITY);
        tracker = new ConnTracker(table, services.registry(), new Timeouts(), new ConnSysctls());
        pipeline = new Pipeline(0, tracker, services, services.newCounters(),
                new Port[] {new Port("eth0", 2, DIRECTOR_MAC, 1500, Ipv4.parse("192.168.10.1"))},
                new FrameSink[] {sink},
                new StaticNextHops().neighbour(RS, RS_MAC, 0).defaultRoute(0x02_00_00_00_00_01L, 0),
                ArpHandler.IGNORE);
        TrackedService service = pipeline.snapshot().lookup(TCP, VIP, VPORT);
        for (int i = 0; i < BACKGROUND; i++) {
            if (tracker.inPacket(service, TCP, BACKGROUND_CLIENTS + i, BACKGROUND_PORT, VIP, VPORT,
                    TcpFlyweight.SYN, NOW_MS, result) != ConnVerdict.TRACKED) {
                throw new IllegalStateException("background connection " + i + " was not admitted");
            }
        }
    }

    /**
     * Copies frame {@code index} of {@code frames} into the ring slot, empties the sink and
     * runs the pipeline on it. Allocation-free.
     */
    PipelineVerdict process(Frames frames, int index) {
        int length = frames.copyTo(index, slot, HEADROOM);
        sink.clear();
        return pipeline.process(0, slot, HEADROOM, length, 0, NOW_MS);
    }

    /**
     * Removes the connection of {@code client:clientPort} to the VIP the way an expired entry
     * is removed: a packet an hour later finds it expired, the tracker reclaims it (real
     * server's counters undone, slot freed, tombstones cleared) and reports no connection.
     * Allocation-free.
     *
     * @return whether there was such a connection and it is gone
     */
    boolean expire(int client, int clientPort) {
        long before = table.size();
        ConnVerdict verdict = tracker.inPacket(null, TCP, client, clientPort, VIP, VPORT, TcpFlyweight.ACK,
                EXPIRED_MS, result);
        return verdict == ConnVerdict.NO_CONN && table.size() == before - 1;
    }

    /** Live entries in the connection table. */
    long connections() {
        return table.size();
    }

    /** The pipeline, for its counters. */
    Pipeline pipeline() {
        return pipeline;
    }

    /** The sink the pipeline sent into since the last {@link #process}. */
    MemoryFrameSink sink() {
        return sink;
    }

    @Override
    public void close() {
        arena.close();
        table.close();
    }

    /** Client address of key {@code i} of a set of new-connection keys: 198.18.0.0 + i / 16384. */
    static int keyClient(int i) {
        return KEY_CLIENTS + (i >>> 14);
    }

    /** Client port of key {@code i}: 10000 + i % 16384. */
    static int keyPort(int i) {
        return 10_000 + (i & 0x3FFF);
    }

    /** A SYN from key {@code i} to the VIP. */
    static byte[] syn(int i) {
        return new PacketBuilder().destinationMac(DIRECTOR_MAC).source(keyClient(i)).destination(VIP)
                .tcp(keyPort(i), VPORT).tcpFlags(TcpFlyweight.SYN).build();
    }

    /** The client's ACK with 64 bytes of data on the connection {@code CLIENT:CLIENT_PORT}. */
    static byte[] clientAck() {
        return new PacketBuilder().destinationMac(DIRECTOR_MAC).source(CLIENT).destination(VIP)
                .tcp(CLIENT_PORT, VPORT).tcpFlags(TcpFlyweight.ACK).sequence(1, 1).payload(new byte[64]).build();
    }

    /** The client's SYN that opens {@code CLIENT:CLIENT_PORT}. */
    static byte[] clientSyn() {
        return new PacketBuilder().destinationMac(DIRECTOR_MAC).source(CLIENT).destination(VIP)
                .tcp(CLIENT_PORT, VPORT).tcpFlags(TcpFlyweight.SYN).build();
    }

    /** The real server's ACK with 64 bytes of data to the client (a NAT reply). */
    static byte[] serverAck() {
        return new PacketBuilder().sourceMac(RS_MAC).destinationMac(DIRECTOR_MAC).source(RS).destination(CLIENT)
                .tcp(VPORT, CLIENT_PORT).tcpFlags(TcpFlyweight.ACK).sequence(1, 65).payload(new byte[64]).build();
    }

    /** Frames in native memory, one per {@value #FRAME_STRIDE}-byte stride. */
    static Frames frames(byte[]... frames) {
        return new Frames(frames);
    }

    /**
     * Frames held in native memory at a fixed stride, copied out with one bulk copy each.
     * Allocation-free after construction.
     */
    static final class Frames implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment memory;
        private final int[] lengths;

        private Frames(byte[][] frames) {
            memory = arena.allocate((long) frames.length * FRAME_STRIDE, 64);
            lengths = new int[frames.length];
            for (int i = 0; i < frames.length; i++) {
                if (frames[i].length > FRAME_STRIDE) {
                    throw new IllegalArgumentException("frame " + i + " is " + frames[i].length
                            + " bytes, more than the stride of " + FRAME_STRIDE);
                }
                MemorySegment.copy(MemorySegment.ofArray(frames[i]), 0, memory, (long) i * FRAME_STRIDE,
                        frames[i].length);
                lengths[i] = frames[i].length;
            }
        }

        /** Number of frames. */
        int count() {
            return lengths.length;
        }

        /** Makes frame 0 of these a copy of frame {@code i} of {@code source} (staging, outside a measurement). */
        void stage(Frames source, int i) {
            lengths[0] = source.copyTo(i, memory, 0);
        }

        /** Copies frame {@code i} to {@code offset} in {@code target}; returns its length. */
        int copyTo(int i, MemorySegment target, long offset) {
            int length = lengths[i];
            MemorySegment.copy(memory, (long) i * FRAME_STRIDE, target, offset, length);
            return length;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
