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

    @Test
    void fullTableRefusesAndCountsNewFlowsWithoutAllocatingWhileExistingFlowsContinue() {
        try (ConnTable table = new ConnTable(CAPACITY, 0.8)) {
            DestinationRegistry registry = new DestinationRegistry(4);
            Destination rs = new Destination(Ipv4.parse("10.0.0.1"), 80, ForwardingMethod.MASQ, 1);
            registry.register(rs);
            ConnTracker tracker = new ConnTracker(table, registry, new Timeouts(), new ConnSysctls());
            ConnResult result = new ConnResult();
            SequenceScheduler scheduler = new SequenceScheduler(rs);
            TrackedService svc = TrackedService.of(TCP, VIP, 80, scheduler);

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
            };
            offer.run();
            assertEquals(WARM_UP, refused[0]);
            count[0] = OFFERED;
            long before = tracker.tableFullDrops();
            // The least of up to three runs: a one-off allocation by the runtime (a recompilation
            // while the loop runs) shows in one run only; garbage made per flow shows in all.
            long allocated = Allocations.leastOf(3, offer);
            assertEquals(OFFERED, refused[0]);
            assertEquals(0, (tracker.tableFullDrops() - before) % OFFERED, "every refusal counted");
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
}
