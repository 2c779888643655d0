package io.jlvs.core.service;

/**
 * The connection counters of a {@link Destination}, in a cache line of their own: every
 * worker updates them as connections are bound, change state and expire, while the rest of a
 * destination (its flags, weight, address) is read by every packet. The classes are stacked
 * so that 64 bytes of padding lie on each side of the counters (superclass fields are laid
 * out first), in the manner of Agrona's padded sequences.
 */
final class DestinationCounters {
    private DestinationCounters() {
    }

    /** Padding between the object header (and whatever lies before it) and the counters. */
    @SuppressWarnings("unused")
    abstract static class LeftPadding {
        private long p01, p02, p03, p04, p05, p06, p07, p08;
    }

    /** The counters, accessed through the {@link Destination}'s var handles. */
    abstract static class Counters extends LeftPadding {
        volatile int activeConns;
        volatile int inactConns;
        volatile int persistConns;
    }

    /** Padding between the counters and the destination's read-mostly fields. */
    @SuppressWarnings("unused")
    abstract static class RightPadding extends Counters {
        private long p11, p12, p13, p14, p15, p16, p17, p18;
    }
}
