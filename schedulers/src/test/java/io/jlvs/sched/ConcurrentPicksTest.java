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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several worker threads pick from one wrr and one lc service at once (10^6 picks in
 * all): no exception, and every server's share within 1 % of what its weight (wrr) or
 * the balance of connection counts (lc) gives.
 */
class ConcurrentPicksTest {
    private static final int THREADS = 4;
    private static final int PICKS_PER_THREAD = 125_000;
    /**
     * lc connections each thread keeps open (the oldest is closed at each pick). lc
     * balances open connections, and pick shares follow the open counts, which differ by
     * up to one between servers: with 4 × 750 = 3000 open on 3 servers that is 0.1 %,
     * well inside the 1 % the test allows (64 open per thread would be about 1.2 %).
     */
    private static final int HELD_PER_THREAD = 750;

    /** One worker's loop; returns its per-server counts in list order. */
    private static long[] work(ServiceScheduling s, boolean holdConnections, CountDownLatch start) throws InterruptedException {
        Destination[] ds = s.destinations();
        long[] counts = new long[ds.length];
        Destination[] held = new Destination[HELD_PER_THREAD];
        start.await();
        for (int i = 0; i < PICKS_PER_THREAD; i++) {
            Destination d = s.schedule(i, i, 2, 80, 0);
            int at = Picks.indexOf(ds, d);
            counts[at]++;
            if (holdConnections) {
                d.bindConn(false, true);
                int slot = i % held.length;
                if (held[slot] != null) {
                    held[slot].unbindConn(false, true);
                }
                held[slot] = d;
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
        try {
            for (int t = 0; t < THREADS; t++) {
                wrrResults.add(pool.submit(() -> work(wrr, false, start)));
                lcResults.add(pool.submit(() -> work(lc, true, start)));
            }
            start.countDown();
            // weights in list order (newest first): C=2, B=3, A=5
            assertShares(sum(wrrResults), new double[] {0.2, 0.3, 0.5});
            assertShares(sum(lcResults), new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
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
