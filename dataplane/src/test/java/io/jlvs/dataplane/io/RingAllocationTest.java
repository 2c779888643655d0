package io.jlvs.dataplane.io;

import static io.jlvs.dataplane.io.VethLink.FRAME_BYTES;
import static io.jlvs.dataplane.io.VethLink.TEST_ETHERTYPE;
import static io.jlvs.dataplane.io.VethLink.U16_BE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jlvs.core.testkit.Allocations;
import io.jlvs.core.testkit.Privileged;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-frame and per-batch paths of both rings allocate nothing once compiled; skipped
 * without root. A downcall that captures errno allocates about 40 bytes per call until C2
 * compiles its caller (the JDK slices the capture segment; escape analysis removes it), so each
 * path is warmed up first with the same branch outcomes it meets while measured.
 */
@Privileged
class RingAllocationTest {
    private static final int FRAMES = 10_000;

    /** Counts test frames. */
    static class Counter implements FrameHandler {
        long frames;

        @Override
        public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
            if (lengthBytes >= 14 && ring.get(U16_BE, offset + 12) == (short) TEST_ETHERTYPE) {
                frames++;
            }
        }
    }

    /**
     * Runs {@code work} at least 20 times, then until one run allocates nothing or 10 s have
     * passed, whichever is first: on this 2-core machine C2 may finish compiling late.
     */
    private static void warmUp(Runnable work) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int run = 0; run < 20 || (Allocations.measure(work) > 0 && System.nanoTime() < deadline); run++) {
            work.run();
        }
    }

    /** Sends {@code count} frames through {@code tx} and drains them from {@code rx} into {@code counter}, as a busy worker does. */
    private static void sendAndReceive(TxRing tx, RxRing rx, Counter counter, MemorySegment frame, int count) {
        long target = counter.frames + count;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < count; i++) {
            while (!tx.offer(frame, 0, FRAME_BYTES) && System.nanoTime() < deadline) {
                rx.drain(counter, Integer.MAX_VALUE);
            }
            if ((i & 255) == 255) {
                rx.drain(counter, Integer.MAX_VALUE);
            }
        }
        tx.flush();
        while (counter.frames < target && System.nanoTime() < deadline) {
            if (rx.receive(counter, 0) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void sendingAndReceivingTenThousandFramesAllocatesNothing() throws Exception {
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             RxRing rx = RxRing.open(RxRingConfig.of(link.b).withFrames(4096));
             TxRing tx = TxRing.open(new TxRingConfig(link.a, 2048, 1024, 8, true))) {
            Counter counter = new Counter();
            MemorySegment frame = VethLink.testFrame(arena, 7);
            Runnable work = () -> sendAndReceive(tx, rx, counter, frame, FRAMES);
            warmUp(work);
            long before = counter.frames;

            long bytes = Allocations.measure(work);

            assertEquals(FRAMES, counter.frames - before, "frames received while measuring");
            assertEquals(0, bytes, "bytes allocated sending and receiving " + FRAMES + " frames");
        }
    }

    @Test
    void receivingTenThousandSynsThroughTheNewFlowRingAllocatesNothing() throws Exception {
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             RxRing rx = RxRing.open(RxRingConfig.of(link.b).withFrames(1024).withNewFlowFrames(4096));
             TxRing tx = TxRing.open(new TxRingConfig(link.a, 2048, 1024, 8, true))) {
            MemorySegment syn = VethLink.tcpFrame(arena, 1, 0x02);
            SynCounter syns = new SynCounter();
            Runnable work = () -> sendAndReceive(tx, rx, syns, syn, FRAMES);
            warmUp(work);
            long before = syns.frames;
            long viaNewFlowRing = rx.newFlowFramesReceived();

            long bytes = Allocations.measure(work);

            assertEquals(FRAMES, syns.frames - before, "SYNs received while measuring");
            assertEquals(FRAMES, rx.newFlowFramesReceived() - viaNewFlowRing, "every SYN through the new-flow ring");
            assertEquals(0, bytes, "bytes allocated receiving " + FRAMES + " SYNs through the new-flow ring");
        }
    }

    /** Counts the test's TCP segments (destination port 9). */
    static final class SynCounter extends Counter {
        @Override
        public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
            if (lengthBytes >= 38 && ring.get(U16_BE, offset + 36) == 9) {
                frames++;
            }
        }
    }

    /** What an idle worker does: look for a block, sleep in poll() (here with a 0 ms timeout). */
    private static void idle(RxRing rx, int polls) {
        for (int i = 0; i < polls; i++) {
            rx.awaitFrame(0);
        }
    }

    @Test
    void idlePollAllocatesNothing() throws Exception {
        try (VethLink link = VethLink.create();
             RxRing rx = RxRing.open(RxRingConfig.of(link.b).withFrames(128))) {
            Runnable idle = () -> idle(rx, 1000);
            warmUp(idle);
            long pollsBefore = rx.pollCalls();

            long bytes = Allocations.measure(idle);

            assertEquals(1000, rx.pollCalls() - pollsBefore, "poll() calls while measuring");
            assertFalse(rx.awaitFrame(0), "no frame arrived on the idle link");
            assertEquals(0, bytes, "bytes allocated by 1000 idle poll() calls");
        }
    }
}
