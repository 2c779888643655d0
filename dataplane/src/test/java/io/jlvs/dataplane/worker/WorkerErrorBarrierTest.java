package io.jlvs.dataplane.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.ArpFlyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.time.MonotonicClock;
import io.jlvs.dataplane.io.FrameSource;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.MemoryFrameSink;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.pipeline.PipelineReason;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's error barrier: a frame whose handling throws is dropped, counted and logged once; the rest flow. */
class WorkerErrorBarrierTest {
    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_DDL;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_01L;
    private static final int DIP = Ipv4.parse("192.168.10.1");
    private static final int CLIENT = Ipv4.parse("192.168.10.5");
    private static final int POISON = Ipv4.parse("192.168.10.66");

    static byte[] arpRequestFor(int target) {
        return new PacketBuilder().sourceMac(CLIENT_MAC).destinationMac(-1L >>> 16)
                .arp(ArpFlyweight.OP_REQUEST, CLIENT_MAC, CLIENT, 0, target).build();
    }

    @Test
    void aFrameThatThrowsIsDroppedCountedAndLoggedOnceAndTheNextFramesAreHandled() {
        // An ARP handler with a defect: it throws for one target address and answers the others.
        ArpHandler defective = (port, frame, sink) -> {
            if (frame.arp().targetProtocolAddress() == POISON) {
                throw new IllegalStateException("defect on purpose");
            }
            return sink.send(frame.ethernet().segment(), frame.ethernet().offset(), 60);
        };
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            frames.add(arpRequestFor(i == 3 || i == 6 ? POISON : DIP));
        }
        ServiceTable services = ServiceTable.of(List.of());
        ConnTracker tracker = new ConnTracker(new ConnTable(1024), services.registry(), new Timeouts(),
                new ConnSysctls());
        MemoryFrameSink sink = new MemoryFrameSink(64, 2048);
        Pipeline pipeline = new Pipeline(0, tracker, services, services.newCounters(),
                new Port[] {new Port("mem0", 1, DIRECTOR_MAC, 1500, DIP)}, new FrameSink[] {sink},
                new StaticNextHops(), defective);
        List<String> log = new ArrayList<>();
        Worker worker = new Worker(0, pipeline, new FrameSource[] {new MemoryFrameSource(frames, 1)},
                new FrameSink[] {sink}, null, MonotonicClock.SYSTEM, 0, 0, 100, 1000, log::add);

        assertEquals(10, worker.doWork(), "every frame was handed to the pipeline");

        WorkerCounters counters = worker.counters();
        assertEquals(8, counters.verdictCount(PipelineVerdict.REPLIED), "the 8 good frames were answered");
        assertEquals(8, sink.count());
        assertEquals(2, counters.verdictCount(PipelineVerdict.DROPPED));
        assertEquals(2, counters.pipeline().reasonCount(PipelineReason.WORKER_ERROR));
        assertEquals(Map.of("java.lang.IllegalStateException", 2L), counters.errors());
        assertEquals(1, log.size(), "logged once per kind of error: " + log);
        assertTrue(log.getFirst().contains("defect on purpose") && log.getFirst().contains("\tat "),
                "with its message and stack: " + log.getFirst());
    }
}
