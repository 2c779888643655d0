package io.jlvs.director.control;

import io.jlvs.dataplane.service.Stats;

/**
 * The rates of one service or real server, estimated as IPVS does (IPVS-SEMANTICS §2.10):
 * every {@link #INTERVAL_MS} the increase of each counter over the interval is turned into a
 * per-second rate and folded into a moving average with weight 1/4
 * ({@code avg += (rate - avg) / 4}). Averages are kept scaled, connections and packets by
 * 2^10, bytes by 2^5, and rounded on read.
 *
 * <p>Example: 200 new connections in one interval is 100 per second; from an average of 0
 * the first sample gives 25, the second (again 100/s) 43.75, shown as 44.
 *
 * <p>Control thread only; not thread-safe.
 */
final class RateEstimator {
    /** Sampling interval: 2 s, as IPVS. */
    static final long INTERVAL_MS = 2000;

    /** {@code Δ × 2^10 / 2 s}: a shift of 9 per-interval counts to scaled per-second ones. */
    private static final int COUNT_SHIFT = 9;
    /** {@code Δ × 2^5 / 2 s} for bytes. */
    private static final int BYTES_SHIFT = 4;

    private Stats last;
    private long cpsScaled;
    private long inPpsScaled;
    private long outPpsScaled;
    private long inBpsScaled;
    private long outBpsScaled;

    /** An estimator whose first interval starts at the counters {@code now}. */
    RateEstimator(Stats now) {
        restart(now);
    }

    /** Forgets the rates ({@code ipvsadm -Z}); the next interval starts at {@code now}. */
    void restart(Stats now) {
        last = now;
        cpsScaled = 0;
        inPpsScaled = 0;
        outPpsScaled = 0;
        inBpsScaled = 0;
        outBpsScaled = 0;
    }

    /** Folds in the interval that ends with the counters {@code now}. Call every {@link #INTERVAL_MS}. */
    void sample(Stats now) {
        cpsScaled = average(cpsScaled, now.conns() - last.conns(), COUNT_SHIFT);
        inPpsScaled = average(inPpsScaled, now.inPkts() - last.inPkts(), COUNT_SHIFT);
        outPpsScaled = average(outPpsScaled, now.outPkts() - last.outPkts(), COUNT_SHIFT);
        inBpsScaled = average(inBpsScaled, now.inBytes() - last.inBytes(), BYTES_SHIFT);
        outBpsScaled = average(outBpsScaled, now.outBytes() - last.outBytes(), BYTES_SHIFT);
        last = now;
    }

    private static long average(long averageScaled, long delta, int shift) {
        long rateScaled = Math.max(0, delta) << shift;
        return averageScaled + ((rateScaled - averageScaled) >> 2);
    }

    /** Connections per second, rounded. */
    long cps() {
        return (cpsScaled + 0x1FF) >> 10;
    }

    /** Packets per second client to server, rounded. */
    long inPps() {
        return (inPpsScaled + 0x1FF) >> 10;
    }

    /** Packets per second server to client, rounded. */
    long outPps() {
        return (outPpsScaled + 0x1FF) >> 10;
    }

    /** Bytes per second client to server, rounded. */
    long inBps() {
        return (inBpsScaled + 0xF) >> 5;
    }

    /** Bytes per second server to client, rounded. */
    long outBps() {
        return (outBpsScaled + 0xF) >> 5;
    }
}
