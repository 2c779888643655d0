package io.jlvs.dataplane.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnResult;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.ConnVerdict;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.conn.TrackedService;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Scheduler;
import io.jlvs.core.testkit.ManualClock;
import io.jlvs.dataplane.io.FrameSource;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.MemoryFrameSink;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.sched.Schedulers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker's notion of now is the clock it is given, read once per duty cycle: connections
 * expire by the sweeper's cycles when that clock passes their timeout, not before, and nothing
 * waits for wall time.
 */
class WorkerClockTest {
    private static final int UDP = 17;
    private static final int VIP = Ipv4.parse("192.168.10.100");
    private static final int CONNECTIONS = 50;
    private static final long SWEEP_PERIOD_MS = 1_000;
    private static final long UDP_TIMEOUT_MS = 300_000;

    @Test
    void theSweeperExpiresConnectionsWhenItsClockPassesTheirTimeout() {
        ManualClock clock = new ManualClock(1_000_000);
        ServiceTable services = ServiceTable.of(List.of());
        try (ConnTable table = new ConnTable(1024)) {
            ConnTracker tracker = new ConnTracker(table, services.registry(), new Timeouts(), new ConnSysctls());
            Destination rs = new Destination(Ipv4.parse("10.0.0.1"), 53, ForwardingMethod.MASQ, 1);
            tracker.registry().register(rs);
            Scheduler rr = Schedulers.create("rr", 0);
            rr.destinationsChanged(Scheduler.Change.ADD, rs, new Destination[] {rs});
            TrackedService dns = TrackedService.of(UDP, VIP, 53, rr);
            ConnResult result = new ConnResult();
            for (int i = 0; i < CONNECTIONS; i++) {
                ConnVerdict verdict = tracker.inPacket(dns, UDP, Ipv4.parse("10.1.0.1"), 40_000 + i, VIP, 53, 0,
                        clock.nowMs(), result);
                assertEquals(ConnVerdict.TRACKED, verdict);
            }
            assertEquals(CONNECTIONS, table.size());
            MemoryFrameSink sink = new MemoryFrameSink(4, 2048);
            Pipeline pipeline = new Pipeline(0, tracker, services, services.newCounters(),
                    new Port[] {new Port("mem0", 1, 0x02_00_00_00_00_DDL, 1500, Ipv4.parse("192.168.10.1"))},
                    new FrameSink[] {sink}, new StaticNextHops(), ArpHandler.IGNORE);
            Worker worker = new Worker(0, pipeline, new FrameSource[] {new MemoryFrameSource(List.of(), 0)},
                    new FrameSink[] {sink}, tracker, clock, 0, 0, 100, SWEEP_PERIOD_MS, line -> { });

            sweepFor(worker, clock, UDP_TIMEOUT_MS - 2 * SWEEP_PERIOD_MS);
            assertEquals(0, worker.swept(), "nothing expires before the UDP timeout");
            assertEquals(CONNECTIONS, table.size());

            sweepFor(worker, clock, 4 * SWEEP_PERIOD_MS);
            assertEquals(CONNECTIONS, worker.swept(), "every connection expired once the clock passed its timeout");
            assertEquals(0, table.size());
        }
    }

    /** Duty cycles while the clock moves {@code ms} forward, a tenth of a sweep period per cycle. */
    private static void sweepFor(Worker worker, ManualClock clock, long ms) {
        for (long moved = 0; moved < ms; moved += SWEEP_PERIOD_MS / 10) {
            clock.advance(SWEEP_PERIOD_MS / 10);
            worker.doWork();
        }
    }
}
