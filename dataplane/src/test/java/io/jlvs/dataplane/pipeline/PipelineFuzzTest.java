package io.jlvs.dataplane.pipeline;

import static io.jlvs.dataplane.pipeline.Lab.RS1;
import static io.jlvs.dataplane.pipeline.Lab.RS2;
import static io.jlvs.dataplane.pipeline.Lab.persistent;
import static io.jlvs.dataplane.pipeline.Lab.server;
import static io.jlvs.dataplane.pipeline.Lab.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.packet.DropReason;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.testkit.Corpus;
import io.jlvs.core.testkit.Fuzz;
import io.jlvs.core.testkit.Mutations;
import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.sys.AfPacket;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the whole packet path, parser to sink, with mutated frames (seeds in
 * {@code src/test/resources/fuzz/frames/}: TCP, UDP, ICMP errors, IPIP, VLAN, ARP, options,
 * fragments) and with arbitrary bytes, through a director with DR, NAT and TUN services whose
 * connection table fills up. For every frame: {@link Pipeline#process} returns a verdict and
 * throws nothing; exactly that verdict's counter grows by one; a frame not forwarded is counted
 * under a named reason (two only when an answer or a forwarded frame then found the sink full);
 * a malformed frame has the parser's drop reason counted too; a frame passed or dropped sent
 * nothing, one forwarded or answered sent something.
 */
class PipelineFuzzTest {
    private static final int MAX_FRAME_BYTES = 2048;
    private static final int MAX_HEADROOM = 64;
    private static final List<byte[]> CORPUS = Corpus.hex("frames");
    private static final int[] STATUS_BITS = {AfPacket.TP_STATUS_CSUMNOTREADY, AfPacket.TP_STATUS_VLAN_VALID,
        FrameHandler.STATUS_CHECKSUM_UNKNOWN};

    /**
     * A frame as a ring hands it over.
     *
     * @param frame        the bytes
     * @param headroom     bytes in front of it (a TUN frame grows into up to 20)
     * @param claimedBytes the length the ring reports; more than {@code frame} when the ring lies
     * @param tpStatus     the ring's status bits
     * @param emptySink    whether the sink is emptied first (else it fills up now and then)
     */
    record Input(byte[] frame, int headroom, int claimedBytes, int tpStatus, boolean emptySink) {
        @Override
        public String toString() {
            return "frame " + Fuzz.hex(frame) + ", headroom " + headroom + ", claimed " + claimedBytes
                    + " bytes, tp_status 0x" + Integer.toHexString(tpStatus) + (emptySink ? "" : ", sink not emptied");
        }
    }

    private final Lab lab = new Lab(List.of(
            service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1),
                    server(RS2, 80, ForwardingMethod.ROUTE, 1)),
            service(Protocol.TCP, 443, "wrr", server(RS1, 443, ForwardingMethod.TUNNEL, 2),
                    server(RS2, 443, ForwardingMethod.ROUTE, 1)),
            service(Protocol.UDP, 53, "sh", server(RS1, 53, ForwardingMethod.MASQ, 1)),
            persistent(Protocol.TCP, 8080, "wlc", server(RS1, 8081, ForwardingMethod.MASQ, 1))), 256);
    private long nowMs = Lab.NOW_MS;

    @Test
    void mutatedFramesGetOneVerdictAndCountedReason() {
        Fuzz.check("pipeline mutated frames", 200_000, random -> {
            byte[] frame = Mutations.bytes(random, CORPUS.get(random.nextInt(CORPUS.size())), CORPUS, MAX_FRAME_BYTES);
            if (random.nextBoolean()) {
                fixIpv4Checksum(frame);
            }
            return input(random, frame);
        }, Input::toString, this::verdictIsCounted);
        System.out.println("  reached: " + reached());
        for (PipelineVerdict v : PipelineVerdict.values()) {
            assertTrue(lab.pipeline.counters().verdictCount(v) > 0, "no mutated frame was " + v + ": " + reached());
        }
    }

    /** The reasons counted so far, to show how far the fuzzer got. */
    private String reached() {
        return named(reasons()) + ", forwarded=" + lab.pipeline.counters().verdictCount(PipelineVerdict.FORWARDED);
    }

    @Test
    void arbitraryBytesGetOneVerdictAndCountedReason() {
        Fuzz.check("pipeline arbitrary bytes", 100_000,
                random -> input(random, Mutations.randomBytes(random, random.nextInt(8) == 0 ? MAX_FRAME_BYTES : 80)),
                Input::toString, this::verdictIsCounted);
    }

    private static Input input(SplittableRandom random, byte[] frame) {
        int tpStatus = 0;
        for (int bit : STATUS_BITS) {
            if (random.nextInt(8) == 0) {
                tpStatus |= bit;
            }
        }
        int claimed = random.nextInt(32) == 0 ? frame.length + random.nextInt(1, 64) : frame.length;
        return new Input(frame, random.nextInt(MAX_HEADROOM + 1), claimed, tpStatus, random.nextInt(16) != 0);
    }

    /** Makes the IPv4 header checksum right again, so that mutations reach past the parser's check. */
    private static void fixIpv4Checksum(byte[] frame) {
        int ip = 14;
        if (frame.length >= 18 && (frame[12] & 0xFF) == 0x81 && frame[13] == 0) {
            ip = 18;
        }
        if (frame.length < ip + 20 || (frame[ip - 2] & 0xFF) != 0x08 || frame[ip - 1] != 0) {
            return;
        }
        int headerBytes = (frame[ip] & 0x0F) * 4;
        if (headerBytes < 20 || frame.length < ip + headerBytes) {
            return;
        }
        int checksum = InternetChecksum.ipv4Header(MemorySegment.ofArray(frame), ip, headerBytes);
        frame[ip + 10] = (byte) (checksum >>> 8);
        frame[ip + 11] = (byte) checksum;
    }

    private void verdictIsCounted(Input input) {
        if (input.emptySink()) {
            lab.sink.clear();
        }
        MemorySegment segment = MemorySegment.ofArray(new byte[input.headroom() + input.frame().length]);
        MemorySegment.copy(MemorySegment.ofArray(input.frame()), 0, segment, input.headroom(), input.frame().length);
        long[] verdicts = verdicts();
        long[] reasons = reasons();
        long[] parserDrops = parserDrops();
        int sent = lab.sink.count();
        nowMs += 7;

        PipelineVerdict verdict = lab.pipeline.process(0, segment, input.headroom(), input.claimedBytes(),
                input.tpStatus(), nowMs);

        assertNotNull(verdict, "no verdict");
        long[] verdictDelta = minus(verdicts(), verdicts);
        for (PipelineVerdict v : PipelineVerdict.values()) {
            assertEquals(v == verdict ? 1 : 0, verdictDelta[v.ordinal()], "verdict counter " + v + " for " + verdict);
        }
        long[] reasonDelta = minus(reasons(), reasons);
        long reasonsCounted = sum(reasonDelta);
        boolean txFull = reasonDelta[PipelineReason.TX_FULL.ordinal()] > 0;
        if (verdict == PipelineVerdict.FORWARDED) {
            assertEquals(0, reasonsCounted, "a forwarded frame counted a reason");
        } else {
            assertTrue(reasonsCounted == 1 || reasonsCounted == 2 && txFull
                    && (reasonDelta[PipelineReason.NO_DEST.ordinal()] == 1
                            || reasonDelta[PipelineReason.REWRITE.ordinal()] == 1),
                    verdict + " counted reasons " + named(reasonDelta));
        }
        assertEquals(reasonDelta[PipelineReason.MALFORMED.ordinal()], sum(minus(parserDrops(), parserDrops)),
                "MALFORMED and the parser's drop counts disagree");
        int sentNow = lab.sink.count() - sent;
        switch (verdict) {
            case PASSED -> assertEquals(0, sentNow, "a passed frame sent something");
            case DROPPED -> assertTrue(sentNow == 0 || txFull, "a dropped frame sent something");
            default -> assertTrue(sentNow > 0 || lab.sink.refused() > 0, verdict + " but nothing was sent");
        }
    }

    private long[] verdicts() {
        long[] counts = new long[PipelineVerdict.values().length];
        for (PipelineVerdict v : PipelineVerdict.values()) {
            counts[v.ordinal()] = lab.pipeline.counters().verdictCount(v);
        }
        return counts;
    }

    private long[] reasons() {
        long[] counts = new long[PipelineReason.COUNT];
        for (PipelineReason r : PipelineReason.values()) {
            counts[r.ordinal()] = lab.pipeline.counters().reasonCount(r);
        }
        return counts;
    }

    private long[] parserDrops() {
        long[] counts = new long[DropReason.COUNT];
        for (DropReason r : DropReason.values()) {
            counts[r.ordinal()] = lab.pipeline.parser().dropCount(r);
        }
        return counts;
    }

    private static long[] minus(long[] after, long[] before) {
        long[] delta = new long[after.length];
        for (int i = 0; i < after.length; i++) {
            delta[i] = after[i] - before[i];
        }
        return delta;
    }

    private static long sum(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    private static String named(long[] reasonDelta) {
        StringBuilder text = new StringBuilder();
        for (PipelineReason r : PipelineReason.values()) {
            if (reasonDelta[r.ordinal()] != 0) {
                text.append(r).append('=').append(reasonDelta[r.ordinal()]).append(' ');
            }
        }
        return text.toString().strip();
    }
}
