package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several worker threads pick from one wrr and one lc service at once (10^6 picks in
 * all): no exception, and every server's share within 1 % (relative) of what its weight
 * (wrr) or the balance of connection counts (lc) gives.
 */
class ConcurrentPicksTest {
    private static final int THREADS = 4;
    private static final int PICKS_PER_THREAD = 125_000;
    /**
     * lc connections kept open by all threads together; each lc pick closes the oldest
     * of them, whichever thread opened it (one FIFO shared by the threads, in pick-ticket
     * order). lc balances open connections, so the open counts of the 3 servers differ
     * by at most a few (one per thread racing on the same counts), and every run of
     * {@value} consecutive picks, being the open set at its end, splits evenly to within
     * that: about 0.1 %, well inside the 1 % the test allows. A FIFO per thread would not
     * do: the connections of a thread that is descheduled or already done stay open as
     * they were, the running threads' picks make up for their imbalance, and on a busy
     * machine these corrections add up to more than 1 % of the picks.
     */
    private static final int HELD = 3000;

    /** One worker's loop; returns its per-server counts in list order. */
    private static long[] work(ServiceScheduling s, AtomicReferenceArray<Destination> held, AtomicLong tickets,
                               CountDownLatch start) throws InterruptedException {
        Destination[] ds = s.destinations();
        long[] counts = new long[ds.length];
        start.await();
        for (int i = 0; i < PICKS_PER_THREAD; i++) {
            Destination d = s.schedule(i, i, 2, 80, 0);
            int at = Picks.indexOf(ds, d);
            counts[at]++;
            if (held != null) {
                d.bindConn(false, true);
                Destination oldest = held.getAndSet((int) (tickets.getAndIncrement() % HELD), d);
                if (oldest != null) {
                    oldest.unbindConn(false, true);
                }
            }
        }
        return counts;
    }

    @Test
    void wrrAndLcKeepTheirSharesUnderConcurrentPicks() throws Exception {
        ServiceScheduling wrr = Servers.service("wrr", 0, 5, 3, 2);
        ServiceScheduling lc = Servers.service("lc", 0, 1, 1, 1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS * 2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> wrrResults = new ArrayList<>();
        List<Future<long[]>> lcResults = new ArrayList<>();
        AtomicReferenceArray<Destination> held = new AtomicReferenceArray<>(HELD);
        AtomicLong tickets = new AtomicLong();
        try {
            for (int t = 0; t < THREADS; t++) {
                wrrResults.add(pool.submit(() -> work(wrr, null, null, start)));
                lcResults.add(pool.submit(() -> work(lc, held, tickets, start)));
            }
            start.countDown();
            // weights in list order (newest first): C=2, B=3, A=5
            assertShares(sum(wrrResults), new double[] {0.2, 0.3, 0.5});
            assertShares(sum(lcResults), new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
            // every bind was matched by one unbind: the counts lc read were exact
            for (int i = 0; i < HELD; i++) {
                held.get(i).unbindConn(false, true);
            }
            for (Destination d : lc.destinations()) {
                assertEquals(0, d.activeConns(), "open connections left on " + Servers.letter(d));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static long[] sum(List<Future<long[]>> results) throws Exception {
        long[] total = null;
        for (Future<long[]> f : results) {
            long[] c = f.get(60, TimeUnit.SECONDS);
            if (total == null) {
                total = new long[c.length];
            }
            for (int i = 0; i < c.length; i++) {
                total[i] += c[i];
            }
        }
        return total;
    }

    private static void assertShares(long[] counts, double[] expected) {
        long all = 0;
        for (long c : counts) {
            all += c;
        }
        assertEquals((long) THREADS * PICKS_PER_THREAD, all);
        for (int i = 0; i < counts.length; i++) {
            double share = counts[i] / (double) all;
            assertTrue(Math.abs(share - expected[i]) <= 0.01 * expected[i],
                    "server " + i + ": share " + share + ", expected " + expected[i]);
        }
    }
}
