package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent inserts, lookups and removals (with a checker thread reading every slot and
 * clearing tombstones meanwhile), then checks every invariant: no lost or duplicated
 * entries, no torn reads, counters consistent. Every payload field is derived from the
 * key, so a read mixing two entries is detected.
 */
class ConnTableStressTest {
    private static final int TCP = 6;
    private static final int KEYS = 60_000;
    private static final int CAPACITY = 40_000;
    private static final int WORKERS = 2;
    private static final int OPS_PER_WORKER = 5_000_000;
    private static final int VIP = Ipv4.parse("192.168.10.100");

    private static int caddr(int key) {
        return 0x0A000000 | key;
    }

    private static int cport(int key) {
        return (key * 13 + 1024) & 0xFFFF;
    }

    private static int destIndex(int key) {
        return key * 7 + 3;
    }

    private static int daddr(int key) {
        return ~key;
    }

    private static int dport(int key) {
        return (key * 31) & 0xFFFF;
    }

    private static boolean replyIndexed(int key) {
        return (key & 1) == 0;
    }

    /** The key of a view, or -1 when its fields are not those of one key (a torn read). */
    private static int consistentKey(ConnView v) {
        int key = v.caddr & 0x00FFFFFF;
        boolean ok = (v.caddr & 0xFF000000) == 0x0A000000 && key < KEYS
                && v.cport == cport(key) && v.vaddr == VIP && v.vport == 80 && v.protocol == TCP
                && v.destIndex == destIndex(key) && v.daddr == daddr(key) && v.dport == dport(key)
                && v.link == key && v.expiryCs == key && v.state == key % TcpState.COUNT
                && ((v.flags & ConnTable.F_REPLY_INDEXED) != 0) == replyIndexed(key);
        return ok ? key : -1;
    }

    @Test
    void concurrentInsertLookupDeleteKeepsEveryInvariant() throws Exception {
        try (ConnTable table = new ConnTable(CAPACITY, 0.8)) {
            AtomicIntegerArray present = new AtomicIntegerArray(KEYS);
            AtomicLong torn = new AtomicLong();
            AtomicLong wrongHits = new AtomicLong();
            AtomicLong ops = new AtomicLong();
            AtomicLong full = new AtomicLong();
            AtomicLong inserted = new AtomicLong();
            AtomicLong deleted = new AtomicLong();
            AtomicLong checkerPasses = new AtomicLong();
            AtomicLong tombstonesCleared = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            Throwable[] failure = new Throwable[1];

            Thread[] workers = new Thread[WORKERS];
            for (int t = 0; t < WORKERS; t++) {
                long seed = 42 + t;
                workers[t] = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    ConnView view = new ConnView();
                    long myOps = 0;
                    long myInserted = 0;
                    long myDeleted = 0;
                    long myFull = 0;
                    try {
                        start.await();
                        for (int op = 0; op < OPS_PER_WORKER; op++) {
                            int key = random.nextInt(KEYS);
                            int kind = random.nextInt(10);
                            if (kind < 4) {
                                int c = table.claim(ConnTable.KIND_CONN, TCP, caddr(key), cport(key), VIP, 80);
                                if (c >= 0) {
                                    table.fill(c, destIndex(key), daddr(key), dport(key), key, key);
                                    if (table.publish(c, key % TcpState.COUNT, 0, replyIndexed(key))) {
                                        present.incrementAndGet(key);
                                        myInserted++;
                                    }
                                } else if (c == ConnTable.FULL) {
                                    myFull++;
                                } else if (table.read(ConnTable.existing(c), view) && consistentKey(view) < 0) {
                                    torn.incrementAndGet();
                                }
                            } else if (kind < 8) {
                                long ref = (kind & 1) == 0 || !replyIndexed(key)
                                        ? table.lookupRef(ConnTable.KIND_CONN, TCP, caddr(key), cport(key), VIP, 80)
                                        : table.lookupReplyRef(TCP, daddr(key), dport(key), caddr(key), cport(key));
                                int s = ConnTable.slotOf(ref);
                                if (s >= 0 && table.read(s, view)) {
                                    int k = consistentKey(view);
                                    if (k < 0) {
                                        torn.incrementAndGet();
                                    } else if (k != key && ConnTable.isIncarnation(ref, view.control)) {
                                        // the incarnation the lookup found holds another key
                                        // (a later one reusing the slot may, and is not counted)
                                        wrongHits.incrementAndGet();
                                    }
                                }
                            } else {
                                int s = table.lookup(ConnTable.KIND_CONN, TCP, caddr(key), cport(key), VIP, 80);
                                if (s >= 0 && table.read(s, view)) {
                                    int k = consistentKey(view);
                                    if (k < 0) {
                                        torn.incrementAndGet();
                                    } else if (k == key && table.beginRemove(s, view.control)) {
                                        table.finishRemove(s);
                                        present.decrementAndGet(key);
                                        myDeleted++;
                                    }
                                }
                            }
                            myOps++;
                        }
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                    ops.addAndGet(myOps);
                    inserted.addAndGet(myInserted);
                    deleted.addAndGet(myDeleted);
                    full.addAndGet(myFull);
                });
                workers[t].start();
            }
            Thread checker = new Thread(() -> {
                ConnView view = new ConnView();
                try {
                    start.await();
                    while (!done.get()) {
                        for (int s = table.slotCount() - 1; s >= 0; s--) {
                            if (table.read(s, view)) {
                                if (consistentKey(view) < 0) {
                                    torn.incrementAndGet();
                                }
                            } else if (table.isTombstone(s) && table.clearTombstone(s)) {
                                tombstonesCleared.incrementAndGet();
                            }
                        }
                        checkerPasses.incrementAndGet();
                        Thread.sleep(2);
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            checker.start();
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            done.set(true);
            checker.join();
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }

            assertEquals((long) WORKERS * OPS_PER_WORKER, ops.get());
            assertEquals(0, torn.get(), "torn reads");
            assertEquals(0, wrongHits.get(), "lookups returning another key");
            assertTrue(checkerPasses.get() > 0);

            // Quiescent: every key present exactly when its insert/delete balance says so.
            BitSet seen = new BitSet(KEYS);
            ConnView view = new ConnView();
            int live = 0;
            for (int s = 0; s < table.slotCount(); s++) {
                if (table.read(s, view)) {
                    int k = consistentKey(view);
                    assertTrue(k >= 0, "consistent entry at rest");
                    assertTrue(!seen.get(k), "duplicate entry for key " + k);
                    seen.set(k);
                    live++;
                }
            }
            long expectedLive = 0;
            for (int key = 0; key < KEYS; key++) {
                int p = present.get(key);
                assertTrue(p == 0 || p == 1, "key " + key + " balance " + p);
                assertEquals(p == 1, seen.get(key), "key " + key + " lost or resurrected");
                int s = table.lookup(ConnTable.KIND_CONN, TCP, caddr(key), cport(key), VIP, 80);
                assertEquals(p == 1, s >= 0, "lookup of key " + key);
                int r = table.lookupReply(TCP, daddr(key), dport(key), caddr(key), cport(key));
                assertEquals(p == 1 && replyIndexed(key) ? s : -1, r, "reply lookup of key " + key);
                expectedLive += p;
            }
            assertEquals(expectedLive, live);
            assertEquals(expectedLive, table.size());
            assertEquals(inserted.get() - deleted.get(), expectedLive);
            assertTrue(full.get() > 0, "the run reached capacity");
            assertTrue(deleted.get() > 1_000_000, "enough churn: " + deleted.get());
        }
    }

    @Test
    void concurrentTrackingKeepsServerCountersConsistent() throws Exception {
        try (ConnTable table = new ConnTable(20_000, 0.8)) {
            DestinationRegistry registry = new DestinationRegistry(4);
            Destination a = new Destination(Ipv4.parse("10.0.0.1"), 80, ForwardingMethod.MASQ, 1);
            Destination b = new Destination(Ipv4.parse("10.0.0.2"), 80, ForwardingMethod.ROUTE, 1);
            registry.register(a);
            registry.register(b);
            ConnTracker tracker = new ConnTracker(table, registry, new Timeouts(), new ConnSysctls());
            TrackedService svc = new TrackedService(TCP, VIP, 80, 0, new SequenceScheduler(a, b), 0, -1);
            int[] flagChoices = {0x02, 0x10, 0x11, 0x04, 0x18, 0x12};
            AtomicLong clock = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            Throwable[] failure = new Throwable[1];
            Thread[] workers = new Thread[2];
            for (int t = 0; t < workers.length; t++) {
                long seed = 7 + t;
                boolean sweeper = t == 0;
                workers[t] = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    ConnResult result = new ConnResult();
                    try {
                        start.await();
                        for (int op = 0; op < 400_000; op++) {
                            long now = clock.addAndGet(1);
                            int flow = random.nextInt(30_000);
                            int flags = flagChoices[random.nextInt(flagChoices.length)];
                            if (random.nextInt(4) == 0) {
                                Destination d = (flow & 1) == 0 ? a : b;
                                tracker.outPacket(TCP, d.addr(), 80, caddr(flow), cport(flow), flags, now, result);
                            } else {
                                tracker.inPacket(svc, TCP, caddr(flow), cport(flow), VIP, 80, flags, now, result);
                            }
                            if (sweeper && (op & 1023) == 0) {
                                tracker.sweep(now, 512);
                            }
                        }
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                });
                workers[t].start();
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
            // At rest: the servers' counters equal the entries in each state class.
            int active = 0;
            int inactive = 0;
            ConnView view = new ConnView();
            for (int s = 0; s < table.slotCount(); s++) {
                if (table.read(s, view)) {
                    if ((view.flags & ConnTable.F_INACTIVE) != 0) {
                        inactive++;
                        assertTrue(!TcpState.isActive(view.state) || view.state == TcpState.NONE);
                    } else {
                        active++;
                        assertTrue(TcpState.isActive(view.state), TcpState.name(view.state));
                    }
                }
            }
            assertEquals(active, a.activeConns() + b.activeConns());
            assertEquals(inactive, a.inactConns() + b.inactConns());
            assertTrue(active + inactive > 0);
            // Far in the future everything expires and every count returns to zero.
            long later = clock.get() + 2_000_000;
            tracker.sweep(later, table.slotCount());
            assertEquals(0, table.size());
            assertEquals(0, a.activeConns() + a.inactConns() + b.activeConns() + b.inactConns());
        }
    }
}
