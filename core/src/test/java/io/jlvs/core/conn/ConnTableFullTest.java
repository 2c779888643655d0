package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.testkit.Allocations;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full table refuses and counts new connections while existing ones keep flowing. */
class ConnTableFullTest {
    private static final int TCP = 6;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int CAPACITY = 100_000;
    private static final int OFFERED = 1_000_000;
    private static final int WARM_UP = 1_000_000;
    private static final int VIP = Ipv4.parse("192.168.10.100");

    private static int caddr(int flow) {
        return 0x0A000000 | (flow >>> 8);
    }

    private static int cport(int flow) {
        return 1024 + (flow & 0xFF);
    }

    /** A table of {@link #CAPACITY} entries and a service of one NAT real server that takes every connection. */
    private static final class Fixture implements AutoCloseable {
        final ConnTable table = new ConnTable(CAPACITY, 0.8);
        final Destination rs = new Destination(Ipv4.parse("10.0.0.1"), 80, ForwardingMethod.MASQ, 1);
        final SequenceScheduler scheduler = new SequenceScheduler(rs);
        final TrackedService svc = TrackedService.of(TCP, VIP, 80, scheduler);
        final ConnResult result = new ConnResult();
        final ConnTracker tracker;

        Fixture() {
            DestinationRegistry registry = new DestinationRegistry(4);
            registry.register(rs);
            tracker = new ConnTracker(table, registry, new Timeouts(), new ConnSysctls());
        }

        @Override
        public void close() {
            table.close();
        }
    }

    @Test
    void fullTableRefusesAndCountsNewFlowsWithoutAllocatingWhileExistingFlowsContinue() {
        try (Fixture f = new Fixture()) {
            ConnTable table = f.table;
            Destination rs = f.rs;
            ConnTracker tracker = f.tracker;
            ConnResult result = f.result;
            SequenceScheduler scheduler = f.scheduler;
            TrackedService svc = f.svc;

            int filled = 0;
            while (tracker.inPacket(svc, TCP, caddr(filled), cport(filled), VIP, 80, SYN, 0, result)
                    == ConnVerdict.TRACKED) {
                filled++;
            }
            assertEquals(CAPACITY, filled, "admitted exactly the capacity");
            assertEquals(CAPACITY, table.size());
            assertEquals(1, tracker.tableFullDrops());
            assertEquals(CAPACITY, rs.activeConns());

            int[] refused = new int[1];
            int[] hits = new int[1];
            int[] base = {CAPACITY + 1};
            int[] count = {WARM_UP};
            int[] runs = {0};
            Runnable offer = () -> {
                refused[0] = 0;
                hits[0] = 0;
                for (int i = 0; i < count[0]; i++) {
                    int flow = base[0] + i;
                    if (tracker.inPacket(svc, TCP, caddr(flow), cport(flow), VIP, 80, SYN, 1000, result)
                            == ConnVerdict.TABLE_FULL) {
                        refused[0]++;
                    }
                    if ((i & 7) == 0) {
                        int existing = i % CAPACITY;
                        if (tracker.inPacket(svc, TCP, caddr(existing), cport(existing), VIP, 80, ACK, 1000,
                                result) == ConnVerdict.TRACKED
                                && tracker.outPacket(TCP, rs.addr(), 80, caddr(existing), cport(existing), ACK,
                                        1000, result) == ConnVerdict.TRACKED) {
                            hits[0]++;
                        }
                    }
                }
                base[0] += count[0];
                runs[0]++;
            };
            offer.run();
            assertEquals(WARM_UP, refused[0]);
            count[0] = OFFERED;
            long before = tracker.tableFullDrops();
            runs[0] = 0;
            // The least of up to three runs: a one-off allocation by the runtime (a recompilation
            // while the loop runs) shows in one run only; garbage made per flow shows in all.
            long allocated = Allocations.leastOf(3, offer);
            assertEquals(OFFERED, refused[0]);
            assertEquals((long) OFFERED * runs[0], tracker.tableFullDrops() - before, "every refusal counted");
            assertEquals(OFFERED / 8, hits[0], "every existing flow looked up was found, both ways");
            assertEquals(0, allocated, "bytes allocated while refusing");
            assertEquals(CAPACITY, table.size(), "nothing grew");
            assertEquals(CAPACITY, scheduler.calls(), "no scheduling for refused flows");

            // Once entries expire, new flows are admitted again.
            assertEquals(CAPACITY, tracker.sweep(1000 + 900_000 + 60_000, table.slotCount()));
            assertEquals(ConnVerdict.TRACKED, tracker.inPacket(svc, TCP, caddr(CAPACITY + 5), cport(CAPACITY + 5),
                    VIP, 80, SYN, 1_000_000, result));
        }
    }

    @Test
    void aTableFilledWithSynRecvEntriesKeepsFindingEveryEstablishedOneAndRefusesTheRestCounted() {
        int established = CAPACITY / 4;
        try (Fixture f = new Fixture()) {
            ConnTracker tracker = f.tracker;
            ConnResult result = f.result;
            int[] slots = new int[established];
            for (int flow = 0; flow < established; flow++) {
                assertEquals(ConnVerdict.TRACKED, tracker.inPacket(f.svc, TCP, caddr(flow), cport(flow), VIP, 80, SYN,
                        0, result));
                slots[flow] = result.slot();
                assertEquals(ConnVerdict.TRACKED, tracker.outPacket(TCP, f.rs.addr(), 80, caddr(flow), cport(flow),
                        SYN | ACK, 0, result));
                assertEquals(ConnVerdict.TRACKED, tracker.inPacket(f.svc, TCP, caddr(flow), cport(flow), VIP, 80, ACK,
                        0, result));
                assertEquals("ESTABLISHED", TcpState.name(tracker.state(slots[flow])));
            }
            // The flood: SYNs from other sources until the table is full of their SYN_RECV entries.
            int flood = 0;
            while (tracker.inPacket(f.svc, TCP, 0x0B000000 + flood, 1024, VIP, 80, SYN, 0, result)
                    == ConnVerdict.TRACKED) {
                flood++;
            }
            assertEquals(CAPACITY - established, flood, "the flood took every place left");
            long memory = f.table.offHeapBytes();
            long refusedBefore = tracker.tableFullDrops();
            // A million more SYNs, and between them the established connections' packets.
            int[] passes = {0};
            Runnable more = () -> {
                passes[0]++;
                for (int i = 0; i < 1_000_000; i++) {
                    if (tracker.inPacket(f.svc, TCP, 0x0C000000 + i, 2048, VIP, 80, SYN, 1000, result)
                            != ConnVerdict.TABLE_FULL) {
                        throw new AssertionError("SYN " + i + " was not refused");
                    }
                    int flow = i % established;
                    if (tracker.inPacket(f.svc, TCP, caddr(flow), cport(flow), VIP, 80, ACK, 1000, result)
                            != ConnVerdict.TRACKED || result.slot() != slots[flow]) {
                        throw new AssertionError("established connection " + flow + " lost");
                    }
                }
            };
            long allocated = Allocations.leastOf(3, more);
            long refused = tracker.tableFullDrops() - refusedBefore;
            assertEquals(1_000_000L * passes[0], refused, "every refusal counted");
            for (int flow = 0; flow < established; flow++) {
                assertEquals("ESTABLISHED", TcpState.name(tracker.state(slots[flow])), "connection " + flow);
            }
            assertEquals(CAPACITY, f.rs.activeConns(), "established and SYN_RECV entries, both active as in IPVS");
            assertEquals(CAPACITY, f.table.size());
            assertEquals(memory, f.table.offHeapBytes(), "memory unchanged");
            assertEquals(0, allocated, "bytes allocated while refusing");
        }
    }
}
