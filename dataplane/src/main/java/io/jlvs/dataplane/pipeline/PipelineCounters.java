package io.jlvs.dataplane.pipeline;

/**
 * One pipeline's counters: frames per {@link PipelineVerdict} and per {@link PipelineReason}.
 * Plain {@code long}s written by the owning worker; other threads sum them with
 * {@link #addTo} and accept counts that may lag.
 */
public final class PipelineCounters {
    private final long[] verdicts = new long[PipelineVerdict.values().length];
    private final long[] reasons = new long[PipelineReason.COUNT];

    void count(PipelineVerdict verdict) {
        verdicts[verdict.ordinal()]++;
    }

    void count(PipelineReason reason) {
        reasons[reason.ordinal()]++;
    }

    /** Frames with {@code verdict}. */
    public long verdictCount(PipelineVerdict verdict) {
        return verdicts[verdict.ordinal()];
    }

    /** Frames passed, answered or dropped for {@code reason}. */
    public long reasonCount(PipelineReason reason) {
        return reasons[reason.ordinal()];
    }

    /** Adds these counts into {@code totals}. */
    public void addTo(PipelineCounters totals) {
        for (int i = 0; i < verdicts.length; i++) {
            totals.verdicts[i] += verdicts[i];
        }
        for (int i = 0; i < reasons.length; i++) {
            totals.reasons[i] += reasons[i];
        }
    }
}
