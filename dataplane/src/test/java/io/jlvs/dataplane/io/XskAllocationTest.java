package io.jlvs.dataplane.io;

import static io.jlvs.dataplane.io.VethLink.FRAME_BYTES;
import static io.jlvs.dataplane.io.VethLink.U16_BE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.testkit.Allocations;
import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.kernel.OwnedFlow;
import io.jlvs.dataplane.xdp.XdpFilter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The AF_XDP packet path allocates nothing once compiled: an {@link XskSink} on one end of a
 * veth pair sends UDP frames to a service, the XDP program on the other end redirects them to an
 * {@link XskSocket}, which drains them; and TCP SYNs, which reach it through its new-flow ring.
 * Skipped without root or without XDP.
 */
@Privileged
class XskAllocationTest {
    private static final int FRAMES = 10_000;

    /** Counts the test's UDP frames (destination port 9). */
    static final class Counter implements FrameHandler {
        long frames;

        @Override
        public void onFrame(MemorySegment umem, long offset, int lengthBytes, int wireLengthBytes, int status) {
            if (lengthBytes >= 38 && umem.get(U16_BE, offset + 36) == 9) {
                frames++;
            }
        }
    }

    private static void warmUp(Runnable work) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int run = 0; run < 20 || (Allocations.measure(work) > 0 && System.nanoTime() < deadline); run++) {
            work.run();
        }
    }

    /** Sends {@code count} frames through {@code tx} and drains them from {@code rx}, as a busy worker does. */
    private static void sendAndReceive(XskSink tx, XskSocket rx, Counter counter, MemorySegment frame, int count) {
        long target = counter.frames + count;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < count; i++) {
            while (!tx.send(frame, 0, FRAME_BYTES) && System.nanoTime() < deadline) {
                tx.flush();
                rx.drain(counter, 256);
            }
            if ((i & 63) == 63) {
                tx.flush();
                rx.drain(counter, 256);
            }
        }
        tx.flush();
        while (counter.frames < target && System.nanoTime() < deadline) {
            tx.flush();
            if (rx.drain(counter, 256) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void sendingAndReceivingTenThousandFramesAllocatesNothing() throws Exception {
        String reason = XdpFilter.unavailabilityReason();
        try (VethLink link = VethLink.create()) {
            assumeTrue(reason == null, () -> "skipped: this kernel cannot load jlvs's XDP program: " + reason);
            try (Arena arena = Arena.ofConfined();
                 XdpFilter filter = XdpFilter.open(link.b, 16, 1, true);
                 XskSocket rx = XskSocket.open(XskConfig.of(link.b).withFrames(4096, 64));
                 XskSocket tx = XskSocket.open(XskConfig.of(link.a).withFrames(64, 1024))) {
                filter.register(0, rx.fd());
                filter.apply(List.of(OwnedFlow.service(Protocol.UDP, Ipv4.parse("192.0.2.2"), 9)), List.of(), Set.of());
                Counter counter = new Counter();
                MemorySegment frame = VethLink.udpFrame(arena, 1);
                Runnable work = () -> sendAndReceive(tx.sink(), rx, counter, frame, FRAMES);
                warmUp(work);
                long before = counter.frames;

                long startNs = System.nanoTime();
                long bytes = Allocations.measure(work);
                long elapsedNs = System.nanoTime() - startNs;

                assertEquals(FRAMES, counter.frames - before, "frames received while measuring");
                assertEquals(0, bytes, "bytes allocated sending and receiving " + FRAMES + " frames");
                rx.refreshCounters();
                System.out.println("XDP " + filter.mode() + ": " + rx.counters().received() + " received, "
                        + rx.counters().totalDrops() + " dropped, " + tx.sink().kicks() + " kicks for "
                        + tx.sink().framesCommitted() + " frames sent; the measured " + FRAMES + " in "
                        + elapsedNs / 1000 + " us (" + FRAMES * 1_000_000_000L / Math.max(1, elapsedNs) + " frames/s, "
                        + "sender and receiver on one thread)");
            }
        }
    }

    @Test
    void receivingTenThousandSynsThroughTheNewFlowRingAllocatesNothing() throws Exception {
        String reason = XdpFilter.unavailabilityReason();
        try (VethLink link = VethLink.create()) {
            assumeTrue(reason == null, () -> "skipped: this kernel cannot load jlvs's XDP program: " + reason);
            try (Arena arena = Arena.ofConfined();
                 XdpFilter filter = XdpFilter.open(link.b, 16, 1, true);
                 XskSocket rx = XskSocket.open(XskConfig.of(link.b).withFrames(4096, 64).withNewFlowFrames(1024));
                 XskSocket tx = XskSocket.open(XskConfig.of(link.a).withFrames(64, 1024))) {
                filter.register(rx);
                filter.apply(List.of(OwnedFlow.service(Protocol.TCP, Ipv4.parse("192.0.2.2"), 9)), List.of(), Set.of());
                Counter counter = new Counter();
                MemorySegment syn = VethLink.tcpFrame(arena, 1, 0x02);
                Runnable work = () -> sendAndReceive(tx.sink(), rx, counter, syn, FRAMES);
                warmUp(work);
                long before = counter.frames;
                long viaNewFlowRing = rx.newFlowFramesReceived();

                long bytes = Allocations.measure(work);

                assertEquals(FRAMES, counter.frames - before, "frames received while measuring");
                assertEquals(FRAMES, rx.newFlowFramesReceived() - viaNewFlowRing, "every SYN through the new-flow ring");
                assertEquals(0, bytes, "bytes allocated receiving " + FRAMES + " SYNs through the new-flow ring");
            }
        }
    }
}
