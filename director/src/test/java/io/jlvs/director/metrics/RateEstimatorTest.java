package io.jlvs.director.metrics;

import io.jlvs.dataplane.service.Stats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The IPVS estimator (IPVS-SEMANTICS &sect;2.10): rate = Δ/2 s, {@code avg += (rate - avg)/4},
 * cps/pps scaled by 2^10 and read as {@code (x + 0x1FF) >> 10}, bytes scaled by 2^5 and read
 * as {@code (x + 0xF) >> 5}. Expected values worked by hand from those rules.
 */
class RateEstimatorTest {
    @Test
    void movesAQuarterOfTheWayTowardsEachPeriodsRate() {
        RateEstimator e = new RateEstimator(Stats.ZERO);
        // 100 connections in 2 s: 50/s; average 12.5 (12800/1024), read (12800 + 511) >> 10 = 12.
        e.update(new Stats(100, 0, 0, 0, 0));
        assertEquals(12, e.connsPerSecond());
        // Again 50/s: 12.5 + (50 - 12.5)/4 = 21.875, read as 22.
        e.update(new Stats(200, 0, 0, 0, 0));
        assertEquals(22, e.connsPerSecond());
    }

    @Test
    void bytesUseTheirOwnScale() {
        RateEstimator e = new RateEstimator(new Stats(0, 10, 4, 1000, 0));
        // 1000 in-bytes per 2 s: 500 B/s, scaled 16000; average 4000, read (4000 + 15) >> 5 = 125.
        e.update(new Stats(0, 410, 4, 2000, 0));
        assertEquals(125, e.inBytesPerSecond());
        // 400 packets per 2 s: 200 pps; average 50 exactly.
        assertEquals(50, e.inPacketsPerSecond());
        assertEquals(0, e.outPacketsPerSecond());
        // Same again: 4000 + (16000 - 4000)/4 = 7000, read (7000 + 15) >> 5 = 219.
        e.update(new Stats(0, 810, 4, 3000, 0));
        assertEquals(219, e.inBytesPerSecond());
    }

    @Test
    void decaysWhenTrafficStops() {
        RateEstimator e = new RateEstimator(Stats.ZERO);
        e.update(new Stats(0, 2048, 0, 0, 0));
        assertEquals(256, e.inPacketsPerSecond());
        e.update(new Stats(0, 2048, 0, 0, 0));
        assertEquals(192, e.inPacketsPerSecond());
    }

    @Test
    void resetStartsOverFromTheCurrentCounts() {
        RateEstimator e = new RateEstimator(Stats.ZERO);
        e.update(new Stats(100, 0, 0, 0, 0));
        e.reset(new Stats(100, 0, 0, 0, 0));
        assertEquals(0, e.connsPerSecond());
        e.update(new Stats(100, 0, 0, 0, 0));
        assertEquals(0, e.connsPerSecond());
    }

    @Test
    void keepsTheEstimatesOfTheLastFiveMinutesOldestFirst() {
        RateEstimator e = new RateEstimator(Stats.ZERO);
        assertEquals(0, e.historySize());
        // Period p (1-based) brings 2p packets in, p out and 2 connections: 2 conns in 2 s is 1/s.
        long inPkts = 0;
        long outPkts = 0;
        long[] inEstimates = new long[RateEstimator.HISTORY + 10];
        for (int p = 1; p <= inEstimates.length; p++) {
            inPkts += 2L * p * 1024;
            outPkts += (long) p * 1024;
            e.update(new Stats(2L * p, inPkts, outPkts, 0, 0));
            inEstimates[p - 1] = e.inPacketsPerSecond();
            if (p == 3) {
                assertEquals(3, e.historySize());
                assertEquals(inEstimates[0], e.historyAt(RateEstimator.Series.IN_PPS, 0));
                assertEquals(inEstimates[2], e.historyAt(RateEstimator.Series.IN_PPS, 2));
            }
        }
        assertEquals(RateEstimator.HISTORY, e.historySize(), "five minutes of 2 s periods");
        // The oldest kept is period 11: the first 10 were pushed out.
        assertEquals(inEstimates[10], e.historyAt(RateEstimator.Series.IN_PPS, 0));
        assertEquals(inEstimates[inEstimates.length - 1], e.historyAt(RateEstimator.Series.IN_PPS,
                RateEstimator.HISTORY - 1));
        assertEquals(e.outPacketsPerSecond(), e.historyAt(RateEstimator.Series.OUT_PPS, RateEstimator.HISTORY - 1));
        assertEquals(e.connsPerSecond(), e.historyAt(RateEstimator.Series.CPS, RateEstimator.HISTORY - 1));
        assertThrows(IndexOutOfBoundsException.class, () -> e.historyAt(RateEstimator.Series.CPS,
                RateEstimator.HISTORY));
    }
}
