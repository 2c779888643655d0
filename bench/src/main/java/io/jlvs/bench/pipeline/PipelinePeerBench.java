package io.jlvs.bench.pipeline;

import io.jlvs.bench.pipeline.BenchDirector.Frames;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.Verdict;
import io.jlvs.dataplane.pipeline.MemoryFrameSink;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

/**
 * Peers of {@link PipelineBench}, run in the same JMH invocation so that ratios, not
 * nanoseconds on a shared machine, are the figures to read. Each moves the same frames
 * through the same ring slot and sink as the pipeline does, and does less with them:
 *
 * <ul>
 *   <li>{@link #copy}: the client ACK copied into the ring slot and sent unchanged into the
 *       sink: a forwarder that looks at nothing, the floor of {@link PipelineBench#hit}.</li>
 *   <li>{@link #parse}: the same, plus parsing Ethernet, IPv4 (header checksum verified)
 *       and TCP: the floor of any forwarder that reads the headers.</li>
 *   <li>{@link #copyStaged}: {@link #copy} of a SYN staged from 65,536 before each call,
 *       the per-call setup of {@link PipelineBench#miss}: JMH then reads the clock around
 *       every call, which this pays as the miss does.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelinePeerBench {

    /** The ring slot and sink of {@link BenchDirector}, without the director. */
    @State(Scope.Thread)
    public static class Slot {
        final MemoryFrameSink sink = new MemoryFrameSink(4, 2048);
        final PacketParser parser = new PacketParser();
        Arena arena;
        MemorySegment slot;
        Frames ack;

        /** Allocates the ring slot and the frame. */
        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            slot = arena.allocate(BenchDirector.HEADROOM + 2048);
            ack = BenchDirector.frames(BenchDirector.clientAck());
        }

        /** Frees them. */
        @TearDown(Level.Trial)
        public void tearDown() {
            ack.close();
            arena.close();
        }
    }

    /** {@link Slot} plus 65,536 SYNs, the next one staged before each call as {@link PipelineBench.NewConnections} does. */
    @State(Scope.Thread)
    public static class StagedSlot extends Slot {
        private static final int KEYS = 1 << 16;

        Frames syns;
        Frames staged;
        int key = -1;

        /** Builds the SYNs. */
        @Setup(Level.Trial)
        public void setUpSyns() {
            byte[][] frames = new byte[KEYS][];
            for (int i = 0; i < KEYS; i++) {
                frames[i] = BenchDirector.syn(i);
            }
            syns = BenchDirector.frames(frames);
            staged = BenchDirector.frames(frames[0]);
        }

        /** Stages the next SYN (not measured). */
        @Setup(Level.Invocation)
        public void stage() {
            key = key + 1 == KEYS ? 0 : key + 1;
            staged.stage(syns, key);
        }

        /** Fails the run unless the frame was sent. */
        @TearDown(Level.Invocation)
        public void check() {
            if (sink.count() != 1) {
                throw new IllegalStateException("the frame of key " + key + " was not sent");
            }
        }

        /** Frees the SYNs. */
        @TearDown(Level.Trial)
        public void tearDownSyns() {
            staged.close();
            syns.close();
        }
    }

    private static boolean copyAndSend(Slot s, Frames frames) {
        int length = frames.copyTo(0, s.slot, BenchDirector.HEADROOM);
        s.sink.clear();
        return s.sink.send(s.slot, BenchDirector.HEADROOM, length);
    }

    /** The client ACK copied into the ring slot and into the sink. */
    @Benchmark
    public boolean copy(Slot s) {
        return copyAndSend(s, s.ack);
    }

    /** The client ACK copied into the ring slot, parsed, and copied into the sink. */
    @Benchmark
    public Verdict parse(Slot s) {
        int length = s.ack.copyTo(0, s.slot, BenchDirector.HEADROOM);
        s.sink.clear();
        Verdict verdict = s.parser.parse(s.slot, BenchDirector.HEADROOM, length);
        s.sink.send(s.slot, BenchDirector.HEADROOM, length);
        return verdict;
    }

    /** A staged SYN copied into the ring slot and into the sink, under the miss's per-call setup. */
    @Benchmark
    public boolean copyStaged(StagedSlot s) {
        return copyAndSend(s, s.staged);
    }
}
