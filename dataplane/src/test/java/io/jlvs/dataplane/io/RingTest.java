package io.jlvs.dataplane.io;

import static io.jlvs.dataplane.io.VethLink.FRAME_BYTES;
import static io.jlvs.dataplane.io.VethLink.TEST_ETHERTYPE;
import static io.jlvs.dataplane.io.VethLink.U16_BE;
import static io.jlvs.dataplane.io.VethLink.U32_BE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rings over a veth pair in the root namespace; skipped without root. */
@Privileged
class RingTest {
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);

    /** Records the sequence numbers of test frames. */
    static final class SequenceRecorder implements FrameHandler {
        final BitSet seen = new BitSet();
        long frames;
        long duplicates;
        long shortFrames;

        @Override
        public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
            if (lengthBytes < FRAME_BYTES || ring.get(U16_BE, offset + 12) != (short) TEST_ETHERTYPE) {
                return;
            }
            if (wireLengthBytes != FRAME_BYTES) {
                shortFrames++;
            }
            int sequence = ring.get(U32_BE, offset + 14);
            if (seen.get(sequence)) {
                duplicates++;
            }
            seen.set(sequence);
            frames++;
        }
    }

    /** Records which UDP flows (source port - 10000) a ring saw. */
    static final class FlowRecorder implements FrameHandler {
        final BitSet flows = new BitSet();
        long frames;

        @Override
        public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
            if (lengthBytes >= 38 && ring.get(U16_BE, offset + 12) == (short) VethLink.ETHERTYPE_IPV4
                    && ring.get(U16_BE, offset + 36) == 9) {
                flows.set(Short.toUnsignedInt(ring.get(U16_BE, offset + 34)) - 10000);
                frames++;
            }
        }
    }

    private static RxRingConfig smallRx(String ifname) {
        return RxRingConfig.of(ifname).withFrames(4096);
    }

    private static void drainUntil(RxRing rx, SequenceRecorder recorder, long frames, long deadlineNs) {
        while (recorder.frames < frames && System.nanoTime() < deadlineNs) {
            rx.receive(recorder, 20);
        }
    }

    @Test
    void everyFrameSentByTxRingArrivesOnRxRing() throws Exception {
        int total = 100_000;
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             RxRing rx = RxRing.open(smallRx(link.b));
             TxRing tx = TxRing.open(TxRingConfig.of(link.a))) {
            SequenceRecorder recorder = new SequenceRecorder();
            MemorySegment frame = VethLink.testFrame(arena, 0);
            long deadline = System.nanoTime() + DEADLINE_NS;
            for (int sequence = 0; sequence < total; sequence++) {
                frame.set(U32_BE, 14, sequence);
                while (!tx.offer(frame, 0, FRAME_BYTES)) {
                    rx.drain(recorder, Integer.MAX_VALUE);
                    assertTrue(System.nanoTime() < deadline, "tx ring stayed full; sent " + sequence);
                }
                if ((sequence & 1023) == 1023) {
                    rx.drain(recorder, Integer.MAX_VALUE);
                }
            }
            tx.flush();
            drainUntil(rx, recorder, total, deadline);

            assertEquals(total, recorder.frames, "frames received");
            assertEquals(total, recorder.seen.cardinality(), "distinct sequence numbers");
            assertEquals(0, recorder.duplicates);
            assertEquals(0, recorder.shortFrames);
            assertEquals(0, tx.sendErrors(), () -> "send failed: " + Errno.describe(tx.lastSendErrno()));
            rx.refreshCounters();
            assertEquals(0, rx.totalKernelDrops(), "kernel drops");
            assertEquals(0, rx.counters().drops(IoDropReason.RING_FULL), "ring_full drops");
            assertTrue(rx.totalKernelPackets() >= total, "kernel saw " + rx.totalKernelPackets());
            assertEquals(total, rx.counters().received(), "frames counted as received");
        }
    }

    @Test
    void framesThatFindTheRingFullAreCountedAsRingFullDrops() throws Exception {
        int total = 1000;
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             TxRing tx = TxRing.open(TxRingConfig.of(link.a));
             RxRing rx = RxRing.open(RxRingConfig.of(link.b).withFrames(RxRingConfig.MIN_FRAME_COUNT))) {
            MemorySegment frame = VethLink.testFrame(arena, 0);
            long deadline = System.nanoTime() + DEADLINE_NS;
            for (int sequence = 0; sequence < total; sequence++) {
                frame.set(U32_BE, 14, sequence);
                while (!tx.offer(frame, 0, FRAME_BYTES)) {
                    assertTrue(System.nanoTime() < deadline, "tx ring stayed full; sent " + sequence);
                }
            }
            tx.flush();
            SequenceRecorder recorder = new SequenceRecorder();
            rx.drain(recorder, Integer.MAX_VALUE);
            rx.refreshCounters();

            long drops = rx.counters().drops(IoDropReason.RING_FULL);
            assertTrue(drops >= total - RxRingConfig.MIN_FRAME_COUNT, "ring_full drops: " + drops);
            assertEquals(rx.totalKernelPackets(), rx.counters().received() + drops,
                    "every frame the kernel saw was either read or counted as dropped");
        }
    }

    @Test
    void aSynFloodFillsOnlyTheNewFlowRingAndIsCountedWhileEveryOtherFrameArrives() throws Exception {
        int synFlood = 1000;
        int others = 200;
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             TxRing tx = TxRing.open(TxRingConfig.of(link.a));
             RxRing rx = RxRing.open(RxRingConfig.of(link.b).withFrames(256).withNewFlowFrames(64))) {
            MemorySegment syn = VethLink.tcpFrame(arena, 1, 0x02);
            MemorySegment ack = VethLink.tcpFrame(arena, 2, 0x10);
            MemorySegment udp = VethLink.udpFrame(arena, 3);
            long deadline = System.nanoTime() + DEADLINE_NS;
            for (int i = 0; i < synFlood + others; i++) {
                MemorySegment frame = i % 6 != 5 ? syn : i % 12 == 5 ? ack : udp;
                while (!tx.offer(frame, 0, FRAME_BYTES)) {
                    assertTrue(System.nanoTime() < deadline, "tx ring stayed full; sent " + i);
                }
            }
            tx.flush();
            // Read once everything was sent; until every frame is read or counted as dropped.
            int read = 0;
            FrameHandler count = (ring, offset, length, wire, status) -> { };
            while (System.nanoTime() < deadline) {
                read += rx.drain(count, 64);
                rx.refreshCounters();
                if (read + rx.counters().totalDrops() >= synFlood + others) {
                    break;
                }
                Thread.sleep(1);
            }
            long synsRead = rx.newFlowFramesReceived();
            long newFlowFull = rx.counters().drops(IoDropReason.NEW_FLOW_RING_FULL);
            System.out.println("AF_PACKET: SYN flood of " + synFlood + " with " + others + " other frames, new-flow ring 64:"
                    + " read " + read + " (" + synsRead + " SYNs), new_flow_ring_full " + newFlowFull);
            assertEquals(others + synsRead, read, "every other frame, and the SYNs their ring held");
            assertTrue(synsRead >= 64 && newFlowFull > 0, "the flood overflowed the new-flow ring: " + synsRead
                    + " read, " + newFlowFull + " dropped");
            assertEquals(synFlood - synsRead, newFlowFull, "the SYNs that found their ring full, counted");
            assertEquals(0, rx.counters().drops(IoDropReason.RING_FULL), "the first ring lost nothing");
        }
    }

    @Test
    void fanoutHashSplitsFlowsWithNoFlowOnBothRings() throws Exception {
        int flows = 64;
        int perFlow = 50;
        int group = (int) (ProcessHandle.current().pid() & 0x7FFF) | 0x8000;
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             RxRing first = RxRing.open(smallRx(link.b).withFanoutGroup(group));
             RxRing second = RxRing.open(smallRx(link.b).withFanoutGroup(group));
             TxRing tx = TxRing.open(TxRingConfig.of(link.a))) {
            FlowRecorder one = new FlowRecorder();
            FlowRecorder two = new FlowRecorder();
            MemorySegment[] frames = new MemorySegment[flows];
            for (int flow = 0; flow < flows; flow++) {
                frames[flow] = VethLink.udpFrame(arena, flow);
            }
            for (int i = 0; i < perFlow; i++) {
                for (int flow = 0; flow < flows; flow++) {
                    assertTrue(tx.offer(frames[flow], 0, FRAME_BYTES), "tx ring full");
                }
                first.drain(one, Integer.MAX_VALUE);
                second.drain(two, Integer.MAX_VALUE);
            }
            tx.flush();
            long deadline = System.nanoTime() + DEADLINE_NS;
            while (one.frames + two.frames < (long) flows * perFlow && System.nanoTime() < deadline) {
                first.receive(one, 5);
                second.receive(two, 5);
            }

            assertEquals((long) flows * perFlow, one.frames + two.frames, "frames received by the group");
            assertTrue(one.frames > 0 && two.frames > 0, "both rings got frames: " + one.frames + "/" + two.frames);
            BitSet both = (BitSet) one.flows.clone();
            both.and(two.flows);
            assertTrue(both.isEmpty(), "flows seen on both rings: " + both);
            BitSet all = (BitSet) one.flows.clone();
            all.or(two.flows);
            assertEquals(flows, all.cardinality());
        }
    }

    @Test
    void ignoreOutgoingHidesTheHostsOwnFrames() throws Exception {
        int total = 1000;
        // Without PACKET_QDISC_BYPASS the frames pass the device's taps, so an RX ring on the
        // sending end could see them; PACKET_IGNORE_OUTGOING must hide them.
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             RxRing ignoring = RxRing.open(smallRx(link.a));
             RxRing seeingAll = RxRing.open(smallRx(link.a).withIgnoreOutgoing(false));
             RxRing peer = RxRing.open(smallRx(link.b));
             TxRing tx = TxRing.open(new TxRingConfig(link.a, 2048, 1024, 64, false))) {
            SequenceRecorder own = new SequenceRecorder();
            SequenceRecorder all = new SequenceRecorder();
            SequenceRecorder received = new SequenceRecorder();
            MemorySegment frame = VethLink.testFrame(arena, 0);
            for (int sequence = 0; sequence < total; sequence++) {
                frame.set(U32_BE, 14, sequence);
                assertTrue(tx.offer(frame, 0, FRAME_BYTES) || retry(tx, frame), "tx ring full");
            }
            tx.flush();
            long deadline = System.nanoTime() + DEADLINE_NS;
            while ((received.frames < total || all.frames < total) && System.nanoTime() < deadline) {
                peer.receive(received, 5);
                seeingAll.receive(all, 5);
                ignoring.receive(own, 0);
            }
            ignoring.receive(own, 50);

            assertEquals(total, received.frames, "frames that reached the peer");
            assertEquals(total, all.frames, "outgoing frames seen without PACKET_IGNORE_OUTGOING");
            assertEquals(0, own.frames, "outgoing frames seen with PACKET_IGNORE_OUTGOING");
        }
    }

    private static boolean retry(TxRing tx, MemorySegment frame) {
        long deadline = System.nanoTime() + DEADLINE_NS;
        while (System.nanoTime() < deadline) {
            if (tx.offer(frame, 0, FRAME_BYTES)) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    @Test
    void idleReceiveSleepsInPollInsteadOfSpinning() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (VethLink link = VethLink.create(); RxRing rx = RxRing.open(smallRx(link.b))) {
            SequenceRecorder recorder = new SequenceRecorder();
            rx.receive(recorder, 10);
            long pollsBefore = rx.pollCalls();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < end) {
                rx.receive(recorder, 100);
            }
            long wallNs = System.nanoTime() - start;
            long cpuNs = threads.getCurrentThreadCpuTime() - cpuBefore;
            long polls = rx.pollCalls() - pollsBefore;

            assertEquals(0, recorder.frames);
            assertTrue(cpuNs < wallNs / 20, "idle CPU " + cpuNs / 1_000_000 + " ms over " + wallNs / 1_000_000 + " ms");
            assertTrue(polls >= 5 && polls <= 20, "poll() calls in 1 s with a 100 ms timeout: " + polls);
        }
    }

    @Test
    void fullTxRingIsReportedWithoutBlockingAndSendsOnceTheLinkIsUp() throws Exception {
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             RxRing rx = RxRing.open(smallRx(link.b));
             TxRing tx = TxRing.open(new TxRingConfig(link.a, 2048, 64, 1 << 20, true))) {
            new ProcessBuilder("ip", "link", "set", link.a, "down").inheritIO().start().waitFor();
            MemorySegment frame = VethLink.testFrame(arena, 0);
            int queued = 0;
            for (int sequence = 0; sequence < 1000; sequence++) {
                frame.set(U32_BE, 14, sequence);
                if (tx.offer(frame, 0, FRAME_BYTES)) {
                    queued++;
                }
            }

            // Every offer returned (an offer that waited for room would never return here, the
            // link being down) and each of the 936 after the 64 slots was refused and counted.
            assertEquals(64, queued, "slots filled while the link was down");
            assertEquals(1000 - 64, tx.ringFullCount());
            assertEquals(Errno.ENETDOWN, tx.lastSendErrno());

            new ProcessBuilder("ip", "link", "set", link.a, "up").inheritIO().start().waitFor();
            SequenceRecorder recorder = new SequenceRecorder();
            long deadline = System.nanoTime() + DEADLINE_NS;
            while (tx.flush() < 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            drainUntil(rx, recorder, 64, deadline);
            assertEquals(64, recorder.frames, "queued frames sent after the link came up");
        }
    }

    @Test
    void frameLengthOutsideTheSlotIsRefusedAndCounted() throws Exception {
        try (VethLink link = VethLink.create();
             Arena arena = Arena.ofConfined();
             TxRing tx = TxRing.open(TxRingConfig.of(link.a))) {
            MemorySegment big = arena.allocate(4096);
            assertFalse(tx.offer(big, 0, 13));
            assertFalse(tx.offer(big, 0, tx.maxFrameBytes() + 1));
            assertEquals(2016, tx.maxFrameBytes(), "2048-byte slot minus the 32-byte header");
            assertEquals(2, tx.invalidLengthCount());
            assertEquals(0, tx.framesCommitted());
            assertTrue(tx.offer(big, 0, tx.maxFrameBytes()));
        }
    }

    @Test
    void kernelUdpOverVethArrivesWithCsumNotReady() throws Exception {
        NetnsLab.assumeNetnsAvailable();
        assumeTrue(AfPacket.isAvailable(), () -> "skipped: " + AfPacket.unavailabilityCause());
        try (NetnsLab lab = NetnsLab.create()) {
            String client = lab.namespace("c");
            NetnsLab.VethPair pair = lab.veth("r", null, "c", client);
            lab.sysctl(null, "net.ipv6.conf." + pair.a() + ".disable_ipv6", "1");
            lab.address(client, pair.b(), "10.200.9.2/24");
            lab.run(client, "ip", "neigh", "add", "10.200.9.1", "lladdr", "02:00:00:00:00:02", "dev", pair.b());
            int[] status = {-1};
            FrameHandler udpToPort9 = (ring, offset, lengthBytes, wireLengthBytes, frameStatus) -> {
                if (lengthBytes >= 38 && ring.get(U16_BE, offset + 12) == (short) VethLink.ETHERTYPE_IPV4
                        && ring.get(ValueLayout.JAVA_BYTE, offset + 23) == 17 && ring.get(U16_BE, offset + 36) == 9) {
                    status[0] = frameStatus;
                }
            };
            try (RxRing rx = RxRing.open(smallRx(pair.a()))) {
                // The client's kernel leaves the UDP checksum to "hardware" (veth offload), so the
                // frame crosses the veth with a partial checksum.
                lab.run(client, "bash", "-c", "echo jlvs > /dev/udp/10.200.9.1/9");
                long deadline = System.nanoTime() + DEADLINE_NS;
                while (status[0] == -1 && System.nanoTime() < deadline) {
                    rx.receive(udpToPort9, 20);
                }
            }
            assertTrue(status[0] != -1, "the UDP frame reached the ring");
            assertEquals(AfPacket.TP_STATUS_CSUMNOTREADY, status[0] & AfPacket.TP_STATUS_CSUMNOTREADY,
                    "tp_status " + Integer.toBinaryString(status[0]));
        }
    }

    @Test
    void interfaceMacAndMtuMatchSysfs() throws Exception {
        try (VethLink link = VethLink.create()) {
            String sysfsMac = Files.readString(Path.of("/sys/class/net", link.a, "address")).strip();
            int sysfsMtu = Integer.parseInt(Files.readString(Path.of("/sys/class/net", link.a, "mtu")).strip());
            byte[] mac = AfPacket.hardwareAddress(link.a);
            StringBuilder text = new StringBuilder();
            for (byte octet : mac) {
                text.append(text.isEmpty() ? "" : ":").append(String.format("%02x", octet));
            }
            assertEquals(sysfsMac, text.toString());
            assertEquals(sysfsMtu, AfPacket.mtu(link.a));
        }
    }

    @Test
    void closeIsIdempotentAndTheRingCannotBeTouchedAfterwards() throws Exception {
        try (VethLink link = VethLink.create()) {
            RxRing rx = RxRing.open(smallRx(link.b));
            TxRing tx = TxRing.open(TxRingConfig.of(link.a));
            MemorySegment txMemory = tx.ring();
            rx.close();
            rx.close();
            tx.close();
            tx.close();
            assertTrue(rx.isClosed() && tx.isClosed());
            assertThrows(IllegalStateException.class, () -> txMemory.get(ValueLayout.JAVA_INT, 0));
            assertThrows(IllegalStateException.class, () -> rx.drain(new SequenceRecorder(), 1));
        }
    }
}
