package io.jlvs.director.metrics;

import io.jlvs.dataplane.service.Stats;

/**
 * The rate estimate of one service or real server, as the kernel's {@code ip_vs_est.c} makes it
 * for {@code ipvsadm --rate} (IPVS-SEMANTICS &sect;2.10).
 *
 * <p>Every {@link #PERIOD_MS} (2 s) the change of each counter over the period becomes a rate,
 * and each average moves a quarter of the way towards it: {@code avg += (rate - avg) / 4}.
 * Averages are kept in fixed point, connections and packets per second scaled by 2^10 and
 * bytes per second by 2^5, and rounded to the nearest integer on read. For example 100 new
 * connections in the first period give a rate of 50/s and an average of 12.5, read as 12
 * (adding 0x1FF before the shift rounds halves down); the same again gives 21.875, read as 22.
 *
 * <p>It also keeps the estimates of its last {@value #HISTORY} periods (five minutes), for the
 * dashboard's charts.
 *
 * <p>Not thread-safe: updated and read by one thread (the metrics event loop).
 */
public final class RateEstimator {
    /** The estimation period, as the kernel's: 2 s. */
    public static final long PERIOD_MS = 2_000;
    /** How many periods of estimates it keeps: 150, five minutes. */
    public static final int HISTORY = 150;

    /** The estimates kept for each period, oldest first from {@link #historySize}. */
    public enum Series {
        /** New connections per second. */
        CPS,
        /** Packets per second, client to server. */
        IN_PPS,
        /** Packets per second, server to client. */
        OUT_PPS
    }

    private long lastConns;
    private long lastInPkts;
    private long lastOutPkts;
    private long lastInBytes;
    private long lastOutBytes;
    /** Averages: cps, pps ×2^10; bytes per second ×2^5. */
    private long cps;
    private long inPps;
    private long outPps;
    private long inBps;
    private long outBps;
    /** The last {@link #HISTORY} estimates of each series, a ring indexed by {@code updates % HISTORY}. */
    private final long[][] history = new long[Series.values().length][HISTORY];
    private long updates;

    /** An estimator starting from {@code now}: the first period's rates are measured from these counts. */
    public RateEstimator(Stats now) {
        remember(now);
    }

    /** One period has passed and the counters read {@code now}. */
    public void update(Stats now) {
        // Δ per 2 s, scaled by 2^10, is Δ << 9; by 2^5 it is Δ << 4.
        cps = average(cps, now.conns() - lastConns, 9);
        inPps = average(inPps, now.inPkts() - lastInPkts, 9);
        outPps = average(outPps, now.outPkts() - lastOutPkts, 9);
        inBps = average(inBps, now.inBytes() - lastInBytes, 4);
        outBps = average(outBps, now.outBytes() - lastOutBytes, 4);
        remember(now);
        int at = (int) (updates++ % HISTORY);
        history[Series.CPS.ordinal()][at] = connsPerSecond();
        history[Series.IN_PPS.ordinal()][at] = inPacketsPerSecond();
        history[Series.OUT_PPS.ordinal()][at] = outPacketsPerSecond();
    }

    /** How many periods of estimates it keeps now: the periods measured, at most {@link #HISTORY}. */
    public int historySize() {
        return (int) Math.min(updates, HISTORY);
    }

    /** The estimate of {@code series} {@code i} periods after the oldest kept ({@code 0 <= i < historySize()}). */
    public long historyAt(Series series, int i) {
        if (i < 0 || i >= historySize()) {
            throw new IndexOutOfBoundsException("period " + i + " of " + historySize());
        }
        return history[series.ordinal()][(int) ((updates - historySize() + i) % HISTORY)];
    }

    /** Moves a scaled average a quarter of the way to this period's rate; a counter that went down counts as 0. */
    private static long average(long averageScaled, long delta, int shift) {
        return averageScaled + (((Math.max(0, delta) << shift) - averageScaled) >> 2);
    }

    /** Counters were zeroed ({@code ipvsadm -Z}): estimates restart from zero at {@code now}; the history stays. */
    public void reset(Stats now) {
        cps = inPps = outPps = inBps = outBps = 0;
        remember(now);
    }

    private void remember(Stats now) {
        lastConns = now.conns();
        lastInPkts = now.inPkts();
        lastOutPkts = now.outPkts();
        lastInBytes = now.inBytes();
        lastOutBytes = now.outBytes();
    }

    /** New connections per second ({@code CPS}). */
    public long connsPerSecond() {
        return (cps + 0x1FF) >> 10;
    }

    /** Packets per second, client to server ({@code InPPS}). */
    public long inPacketsPerSecond() {
        return (inPps + 0x1FF) >> 10;
    }

    /** Packets per second, server to client ({@code OutPPS}). */
    public long outPacketsPerSecond() {
        return (outPps + 0x1FF) >> 10;
    }

    /** Bytes per second, client to server ({@code InBPS}). */
    public long inBytesPerSecond() {
        return (inBps + 0xF) >> 5;
    }

    /** Bytes per second, server to client ({@code OutBPS}). */
    public long outBytesPerSecond() {
        return (outBps + 0xF) >> 5;
    }
}
