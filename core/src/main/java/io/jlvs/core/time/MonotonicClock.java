package io.jlvs.core.time;

/**
 * A monotonic clock in milliseconds: the origin is arbitrary, only differences mean something.
 * {@link #SYSTEM} is {@code System.nanoTime()} in milliseconds; a test hands a component its own
 * clock and moves it. A worker reads it once per duty cycle, never per packet, and passes the
 * value down as {@code nowMs} (the connection table's expiry, the schedulers, the defence).
 */
@FunctionalInterface
public interface MonotonicClock {
    /** The system's monotonic clock. Any thread; allocation-free. */
    MonotonicClock SYSTEM = () -> System.nanoTime() / 1_000_000;

    /** Now, in milliseconds since an arbitrary origin; never goes back. */
    long nowMs();
}
