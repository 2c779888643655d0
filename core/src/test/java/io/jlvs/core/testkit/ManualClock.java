package io.jlvs.core.testkit;

import io.jlvs.core.time.MonotonicClock;

/**
 * A {@link MonotonicClock} that moves only when the test moves it, so time-based behaviour
 * (expiry, sweeping, check intervals) is driven, not waited for. Plain field: for a test that
 * reads it on the thread that moves it.
 */
public final class ManualClock implements MonotonicClock {
    private long nowMs;

    /** A clock that reads {@code startMs}. */
    public ManualClock(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    /** Moves the clock forward by {@code ms}; returns the new reading. */
    public long advance(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("a monotonic clock does not go back: " + ms);
        }
        nowMs += ms;
        return nowMs;
    }
}
