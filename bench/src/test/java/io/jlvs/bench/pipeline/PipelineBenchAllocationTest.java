package io.jlvs.bench.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlvs.core.packet.Verdict;
import io.jlvs.core.testkit.Allocations;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks measure what they say, and it allocates nothing: the states and methods of
 * {@link PipelineBench} and {@link PipelinePeerBench} driven as JMH drives them, per
 * forwarding method. Every miss forwards its SYN as a new connection that is removed again
 * (the table stays at its background size); hits and NAT replies are forwarded. After
 * warm-up, 10,000 calls of each allocate 0 bytes on the calling thread, the per-call setup
 * and tear-down of the miss included.
 */
class PipelineBenchAllocationTest {
    private static final int CALLS = 10_000;
    private static final int WARMUP_ROUNDS = 8;
    private static final int MEASURES = 3;

    private final PipelineBench bench = new PipelineBench();
    private final PipelinePeerBench peers = new PipelinePeerBench();

    private static PipelineBench.NewConnections newConnections(String method, int keys) {
        PipelineBench.NewConnections s = new PipelineBench.NewConnections();
        s.method = method;
        s.keys = keys;
        s.setUp();
        return s;
    }

    /** {@link #CALLS} misses as JMH makes them; returns how many were forwarded. */
    private int misses(PipelineBench.NewConnections s) {
        int forwarded = 0;
        for (int i = 0; i < CALLS; i++) {
            s.stage();
            forwarded += bench.miss(s) == PipelineVerdict.FORWARDED ? 1 : 0;
            s.expire();
        }
        return forwarded;
    }

    private static long leastAllocated(Runnable calls) {
        for (int w = 0; w < WARMUP_ROUNDS; w++) {
            calls.run();
        }
        return Allocations.leastOf(MEASURES, calls);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dr", "nat", "tun"})
    void missForwardsEverySynAsOneNewConnectionAndAllocatesNothing(String method) {
        PipelineBench.NewConnections s = newConnections(method, 1 << 16);
        try {
            long background = s.director.connections();
            assertEquals(BenchDirector.BACKGROUND, background, "connections of other clients");
            int[] forwarded = {0};
            long bytes = leastAllocated(() -> forwarded[0] = misses(s));
            assertEquals(CALLS, forwarded[0], "SYNs forwarded");
            assertEquals(background, s.director.connections(), "the table is back at its background size");
            assertEquals(0, bytes, "bytes allocated by " + CALLS + " misses with their setup and tear-down");
        } finally {
            s.tearDown();
        }
    }

    @Test
    void missWithOneKeyReusesItsConnectionAfterEachRemoval() {
        PipelineBench.NewConnections s = newConnections("nat", 1);
        try {
            assertEquals(CALLS, misses(s), "SYNs forwarded");
        } finally {
            s.tearDown();
        }
    }

    @Test
    void missFailsTheRunWhenTheSynMadeNoConnection() {
        PipelineBench.NewConnections s = newConnections("dr", 4);
        try {
            s.stage();
            // Not calling miss: no connection was made, so the tear-down must refuse to go on.
            assertThrows(IllegalStateException.class, s::expire);
        } finally {
            s.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dr", "nat", "tun"})
    void hitForwardsAndAllocatesNothing(String method) {
        PipelineBench.Established s = new PipelineBench.Established();
        s.method = method;
        s.setUp();
        try {
            long connections = s.director.connections();
            int[] forwarded = {0};
            long bytes = leastAllocated(() -> {
                forwarded[0] = 0;
                for (int i = 0; i < CALLS; i++) {
                    forwarded[0] += bench.hit(s) == PipelineVerdict.FORWARDED ? 1 : 0;
                }
            });
            assertEquals(CALLS, forwarded[0], "ACKs forwarded");
            assertEquals(connections, s.director.connections(), "no connection made by a hit");
            assertEquals(0, bytes, "bytes allocated by " + CALLS + " hits");
        } finally {
            s.tearDown();
        }
    }

    @Test
    void natReplyForwardsAndAllocatesNothing() {
        PipelineBench.NatEstablished s = new PipelineBench.NatEstablished();
        s.setUp();
        try {
            int[] forwarded = {0};
            long bytes = leastAllocated(() -> {
                forwarded[0] = 0;
                for (int i = 0; i < CALLS; i++) {
                    forwarded[0] += bench.natReply(s) == PipelineVerdict.FORWARDED ? 1 : 0;
                }
            });
            assertEquals(CALLS, forwarded[0], "replies forwarded");
            assertEquals(0, bytes, "bytes allocated by " + CALLS + " NAT replies");
        } finally {
            s.tearDown();
        }
    }

    @Test
    void peersSendEveryFrameAndAllocateNothing() {
        PipelinePeerBench.StagedSlot s = new PipelinePeerBench.StagedSlot();
        s.setUp();
        s.setUpSyns();
        try {
            int[] sent = {0};
            int[] parsed = {0};
            long bytes = leastAllocated(() -> {
                sent[0] = 0;
                parsed[0] = 0;
                for (int i = 0; i < CALLS; i++) {
                    sent[0] += peers.copy(s) ? 1 : 0;
                    parsed[0] += peers.parse(s) == Verdict.IPV4_TCP ? 1 : 0;
                    s.stage();
                    sent[0] += peers.copyStaged(s) ? 1 : 0;
                    s.check();
                }
            });
            assertEquals(2 * CALLS, sent[0], "frames sent");
            assertEquals(CALLS, parsed[0], "frames parsed as IPv4/TCP");
            assertEquals(0, bytes, "bytes allocated by " + CALLS + " calls of each peer");
        } finally {
            s.tearDownSyns();
            s.tearDown();
        }
    }
}
