package io.jlvs.bench.pipeline;

import io.jlvs.bench.pipeline.BenchDirector.Frames;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
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
 * One worker's whole per-packet path, per forwarding method: a frame copied into a native
 * ring slot, parsed, the service and the connection looked up (and on a miss, scheduled and
 * inserted), state and counters updated, the frame rewritten in place and copied into an
 * in-memory sink. The director is {@link BenchDirector}: one service, one real server, a
 * table already holding 131,072 connections of other clients.
 *
 * <ul>
 *   <li>{@link #hit}: a client ACK with 64 bytes of data on an established connection
 *       (the same one every time, so its entry stays in the cache).</li>
 *   <li>{@link #natReply}: the real server's ACK with 64 bytes back to the client on a NAT
 *       connection, found through the reply index and rewritten to come from the VIP.</li>
 *   <li>{@link #miss}: the SYN of a new connection: the connection lookup misses, the
 *       scheduler picks the real server, an entry is claimed, filled and published (NAT:
 *       also indexed by its reply side), the frame is rewritten and sent. The SYNs come from
 *       {@code keys} client address/port pairs in turn; before each call the next SYN is
 *       staged in a buffer, and after it the connection is removed the way an expired one
 *       is (a later packet finds it expired, the tracker reclaims it), both outside the
 *       measured time, so the table never fills and every SYN is a true miss.
 *       With 65,536 keys the new entry lands in a cold part of the 21 MB table, as a new
 *       connection's would; with 1 key the same slot is reused and stays in the cache.
 *       The per-call setup makes JMH read the clock around every call: compare
 *       {@code miss} with {@link PipelinePeerBench#copyStaged}, which pays the same.</li>
 * </ul>
 *
 * Peers measured in the same run: {@link PipelinePeerBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBench {

    /** A director with one connection opened by a SYN, and that connection's next client packet. */
    @State(Scope.Thread)
    public static class Established {
        /** Forwarding method of the real server. */
        @Param({"dr", "nat", "tun"})
        public String method;

        BenchDirector director;
        Frames ack;

        /** Builds the director and opens {@code CLIENT:CLIENT_PORT} with a SYN. */
        @Setup(Level.Trial)
        public void setUp() {
            director = new BenchDirector(method);
            try (Frames syn = BenchDirector.frames(BenchDirector.clientSyn())) {
                if (director.process(syn, 0) != PipelineVerdict.FORWARDED) {
                    throw new IllegalStateException("the SYN was not forwarded");
                }
            }
            ack = BenchDirector.frames(BenchDirector.clientAck());
        }

        /** Frees the table and the frames. */
        @TearDown(Level.Trial)
        public void tearDown() {
            ack.close();
            director.close();
        }
    }

    /** A NAT director with one connection opened by a SYN, and the real server's next packet on it. */
    @State(Scope.Thread)
    public static class NatEstablished {
        BenchDirector director;
        Frames reply;

        /** Builds the director and opens {@code CLIENT:CLIENT_PORT} with a SYN. */
        @Setup(Level.Trial)
        public void setUp() {
            director = new BenchDirector("nat");
            try (Frames syn = BenchDirector.frames(BenchDirector.clientSyn())) {
                if (director.process(syn, 0) != PipelineVerdict.FORWARDED) {
                    throw new IllegalStateException("the SYN was not forwarded");
                }
            }
            reply = BenchDirector.frames(BenchDirector.serverAck());
        }

        /** Frees the table and the frames. */
        @TearDown(Level.Trial)
        public void tearDown() {
            reply.close();
            director.close();
        }
    }

    /** A director and SYNs of {@code keys} new connections, one staged before each call and removed after it. */
    @State(Scope.Thread)
    public static class NewConnections {
        /** Forwarding method of the real server. */
        @Param({"dr", "nat", "tun"})
        public String method;

        /** How many client address/port pairs the SYNs cycle through. */
        @Param({"65536", "1"})
        public int keys;

        BenchDirector director;
        Frames syns;
        Frames staged;
        int key = -1;
        long background;

        /** Builds the director and the SYNs. */
        @Setup(Level.Trial)
        public void setUp() {
            director = new BenchDirector(method);
            byte[][] frames = new byte[keys][];
            for (int i = 0; i < keys; i++) {
                frames[i] = BenchDirector.syn(i);
            }
            syns = BenchDirector.frames(frames);
            staged = BenchDirector.frames(frames[0]);
            background = director.connections();
        }

        /** Stages the next key's SYN (not measured). */
        @Setup(Level.Invocation)
        public void stage() {
            key = key + 1 == keys ? 0 : key + 1;
            staged.stage(syns, key);
        }

        /**
         * Removes the connection the SYN created (not measured); fails the run unless the SYN
         * was sent on as one frame and made exactly one new connection, and that is gone again.
         */
        @TearDown(Level.Invocation)
        public void expire() {
            if (director.sink().count() != 1 || director.connections() != background + 1
                    || !director.expire(BenchDirector.keyClient(key), BenchDirector.keyPort(key))) {
                throw new IllegalStateException("the SYN of key " + key + " was not forwarded as exactly one new connection");
            }
        }

        /** Frees the table and the frames. */
        @TearDown(Level.Trial)
        public void tearDown() {
            staged.close();
            syns.close();
            director.close();
        }
    }

    /** A client packet of an established connection. */
    @Benchmark
    public PipelineVerdict hit(Established s) {
        return s.director.process(s.ack, 0);
    }

    /** A real server's packet of an established NAT connection. */
    @Benchmark
    public PipelineVerdict natReply(NatEstablished s) {
        return s.director.process(s.reply, 0);
    }

    /** The SYN of a new connection: lookup miss, schedule, insert, rewrite, send. */
    @Benchmark
    public PipelineVerdict miss(NewConnections s) {
        return s.director.process(s.staged, 0);
    }
}
