package io.jlvs.dataplane.pipeline;

import io.jlvs.core.packet.DropReason;

/**
 * One pipeline's counters: frames per {@link PipelineVerdict}, per {@link PipelineReason}, and
 * the {@link PipelineReason#MALFORMED} ones again per parser {@link DropReason}. Plain
 * {@code long}s written by the owning worker; other threads sum them with {@link #addTo} and
 * accept counts that may lag.
 */
public final class PipelineCounters {
    private final long[] verdicts = new long[PipelineVerdict.values().length];
    private final long[] reasons = new long[PipelineReason.COUNT];
    private final long[] malformed = new long[DropReason.COUNT];

    void count(PipelineVerdict verdict) {
        verdicts[verdict.ordinal()]++;
    }

    void count(PipelineReason reason) {
        reasons[reason.ordinal()]++;
    }

    /** Counts a {@link PipelineReason#MALFORMED} frame's parser reason; the owning worker's thread only. */
    public void countMalformed(DropReason reason) {
        malformed[reason.ordinal()]++;
    }

    /** Frames with {@code verdict}. */
    public long verdictCount(PipelineVerdict verdict) {
        return verdicts[verdict.ordinal()];
    }

    /** Frames passed, answered or dropped for {@code reason}. */
    public long reasonCount(PipelineReason reason) {
        return reasons[reason.ordinal()];
    }

    /** Frames dropped as {@link PipelineReason#MALFORMED} for the parser's {@code reason}. */
    public long malformedCount(DropReason reason) {
        return malformed[reason.ordinal()];
    }

    /** Adds these counts into {@code totals}. */
    public void addTo(PipelineCounters totals) {
        for (int i = 0; i < verdicts.length; i++) {
            totals.verdicts[i] += verdicts[i];
        }
        for (int i = 0; i < reasons.length; i++) {
            totals.reasons[i] += reasons[i];
        }
        for (int i = 0; i < malformed.length; i++) {
            totals.malformed[i] += malformed[i];
        }
    }
}
