package io.jlvs.dataplane.forward;

import io.jlvs.core.service.ForwardingMethod;

/**
 * One worker's forwarding counters: frames forwarded per method, ICMP errors written as
 * replies, and drops per {@link ForwardDropReason}. Plain {@code long}s written by the owning
 * worker only; a reader on another thread aggregates with {@link #addTo} and accepts counts
 * that may lag by a few packets.
 */
public final class ForwardingCounters {
    private final long[] forwarded = new long[ForwardingMethod.values().length];
    private final long[] drops = new long[ForwardDropReason.COUNT];
    private long replies;
    private long fragments;

    void forwarded(ForwardingMethod method) {
        forwarded[method.ordinal()]++;
    }

    void dropped(ForwardDropReason reason) {
        drops[reason.ordinal()]++;
    }

    void replied() {
        replies++;
    }

    void fragmented(int count) {
        fragments += count;
    }

    /** Frames forwarded by {@code method} (NAT counts both directions and relayed ICMP errors). */
    public long forwardedCount(ForwardingMethod method) {
        return forwarded[method.ordinal()];
    }

    /** Frames dropped for {@code reason}, whether or not an ICMP error was sent for them. */
    public long dropCount(ForwardDropReason reason) {
        return drops[reason.ordinal()];
    }

    /** ICMP errors (time exceeded, fragmentation needed) written into a reply buffer. */
    public long replyCount() {
        return replies;
    }

    /** Fragments made of datagrams larger than their route MTU (each datagram also counts as forwarded). */
    public long fragmentCount() {
        return fragments;
    }

    /** Adds these counts into {@code totals}, for aggregation over workers. */
    public void addTo(ForwardingCounters totals) {
        for (int i = 0; i < forwarded.length; i++) {
            totals.forwarded[i] += forwarded[i];
        }
        for (int i = 0; i < drops.length; i++) {
            totals.drops[i] += drops[i];
        }
        totals.replies += replies;
        totals.fragments += fragments;
    }
}
