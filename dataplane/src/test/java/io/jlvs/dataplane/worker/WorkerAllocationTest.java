package io.jlvs.dataplane.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.testkit.Allocations;
import io.jlvs.core.time.MonotonicClock;
import io.jlvs.dataplane.io.FrameSource;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.MemoryFrameSink;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker's loop around the pipeline allocates nothing: duty cycles that take frames, flush,
 * sweep the connection table and read the sources' counters, and the idle strategy's spins,
 * yields and sleeps. (The pipeline itself: PipelineAllocationTest; the rings: RingAllocationTest.)
 */
class WorkerAllocationTest {
    private static final int FRAMES = 64;
    private static final long ROUNDS = 1_000_000;

    private static long pipelineFrames(Worker worker) {
        long sum = 0;
        for (PipelineVerdict v : PipelineVerdict.values()) {
            sum += worker.counters().verdictCount(v);
        }
        return sum;
    }

    @Test
    void dutyCyclesAndIdlingAllocateNothing() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            frames.add(WorkerErrorBarrierTest.arpRequestFor(Ipv4.parse("192.168.10.1") + i));
        }
        ServiceTable services = ServiceTable.of(List.of());
        ConnTracker tracker = new ConnTracker(new ConnTable(1 << 16), services.registry(), new Timeouts(),
                new ConnSysctls());
        MemoryFrameSink sink = new MemoryFrameSink(64, 2048);
        Pipeline pipeline = new Pipeline(0, tracker, services, services.newCounters(),
                new Port[] {new Port("mem0", 1, 0x02_00_00_00_00_DDL, 1500, Ipv4.parse("192.168.10.1"))},
                new FrameSink[] {sink}, new StaticNextHops(), ArpHandler.IGNORE);
        Worker worker = new Worker(0, pipeline, new FrameSource[] {new MemoryFrameSource(frames, ROUNDS)},
                new FrameSink[] {sink}, tracker, MonotonicClock.SYSTEM, 0, 0, 100, 10, line -> { });
        int[] sleeps = new int[1];
        PollingIdleStrategy idle = new PollingIdleStrategy(3, 2, 100, timeoutMs -> sleeps[0]++);

        Runnable cycles = () -> {
            for (int i = 0; i < 2_000; i++) {
                worker.doWork();
                for (int j = 0; j < 8; j++) {
                    idle.idle(0);
                }
                idle.idle(1);
            }
        };
        for (int warm = 0; warm < 10; warm++) {
            cycles.run();
        }
        long bytes = Allocations.leastOf(3, cycles);
        assertEquals(0, bytes, "bytes allocated by 2000 duty cycles of " + Worker.MAX_FRAMES_PER_SOURCE
                + " frames and 16000 idle steps");
        assertTrue(sleeps[0] > 0, "the idle strategy reached its sleep");
        assertEquals(pipelineFrames(worker), worker.sources().getFirst().counters().received(),
                "every frame the source handed over went through the pipeline");
    }
}
