package io.jlvs.core.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TransportFlyweight;
import io.jlvs.core.packet.Verdict;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RFC 1624 incremental updates (through the flyweights' {@code replace...} writers, as NAT uses
 * them) against a full recomputation, on random IPv4+TCP and IPv4+UDP headers and random
 * address, port and TTL edits, including UDP without checksum and checksums forced to the
 * 0x0000/0xFFFF corners before or after the edit.
 */
class IncrementalChecksumTest {
    private static final int EDITS = 100_000;
    private static final long SEED = 0x1624_1071L;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int PLAIN = 0;
    private static final int UDP_NO_CHECKSUM = 1;
    private static final int ZERO_BEFORE_EDIT = 2;
    private static final int ZERO_AFTER_EDIT = 3;

    private final PacketParser parser = new PacketParser();

    private record Edit(int mask, int source, int destination, int sourcePort, int destinationPort, int ttl) {
        static Edit random(Random random) {
            return new Edit(1 + random.nextInt(31), random.nextInt(), random.nextInt(),
                    random.nextInt(65536), random.nextInt(65536), random.nextInt(256));
        }
    }

    @Test
    void incrementalUpdateAgreesWithFullRecomputationOnRandomEdits() {
        Random random = new Random(SEED);
        int[] modes = new int[4];
        int l4Corners = 0;
        int ipCorners = 0;
        for (int i = 0; i < EDITS; i++) {
            boolean udp = random.nextBoolean();
            int mode = random.nextInt(8);
            mode = mode > ZERO_AFTER_EDIT || (mode == UDP_NO_CHECKSUM && !udp) ? PLAIN : mode;
            modes[mode]++;
            byte[] frame = randomFrame(random, udp, mode == UDP_NO_CHECKSUM);
            MemorySegment segment = MemorySegment.ofArray(frame);
            assertEquals(udp ? Verdict.IPV4_UDP : Verdict.IPV4_TCP, parser.parse(segment, 0, frame.length));
            Edit edit = Edit.random(random);
            if (mode == ZERO_BEFORE_EDIT) {
                forceChecksumsToZero(segment, udp);
            } else if (mode == ZERO_AFTER_EDIT) {
                Edit undo = new Edit(edit.mask(), ip().sourceAddress(), ip().destinationAddress(),
                        l4(udp).sourcePort(), l4(udp).destinationPort(), ip().ttl());
                applyPlain(edit, udp);
                forceChecksumsToZero(segment, udp);
                applyPlain(undo, udp);
                ip().updateHeaderChecksum();
                storeFullL4Checksum(udp);
            }

            applyIncremental(edit, udp);

            String where = "edit " + i + " (seed " + SEED + ", mode " + mode + ", udp " + udp + ")";
            assertEquals(ip().computeHeaderChecksum(), ip().headerChecksum(), "IPv4 header checksum, " + where);
            assertTrue(ip().isHeaderChecksumValid(), where);
            int expectedL4 = mode == UDP_NO_CHECKSUM ? 0 : fullL4Checksum(udp);
            assertEquals(expectedL4, l4Checksum(udp), "transport checksum, " + where);
            if (mode == ZERO_AFTER_EDIT) {
                assertEquals(udp ? 0xFFFF : 0x0000, l4Checksum(udp), "zero corner, " + where);
                assertEquals(0x0000, ip().headerChecksum(), "zero corner, " + where);
                l4Corners++;
                ipCorners++;
            }
        }
        assertTrue(modes[UDP_NO_CHECKSUM] > 5_000 && modes[ZERO_BEFORE_EDIT] > 10_000 && l4Corners > 10_000
                && ipCorners > 10_000, "corner cases exercised: " + java.util.Arrays.toString(modes));
    }

    private byte[] randomFrame(Random random, boolean udp, boolean noChecksum) {
        byte[] payload = new byte[2 + random.nextInt(60)];
        random.nextBytes(payload);
        PacketBuilder builder = new PacketBuilder()
                .source(random.nextInt()).destination(random.nextInt())
                .ttl(random.nextInt(256)).identification(random.nextInt(65536))
                .tos(random.nextInt(256)).payload(payload);
        if (udp) {
            builder.udp(random.nextInt(65536), random.nextInt(65536));
            if (noChecksum) {
                builder.udpNoChecksum();
            }
        } else {
            builder.tcp(random.nextInt(65536), random.nextInt(65536)).tcpFlags(random.nextInt(256))
                    .sequence(random.nextInt(), random.nextInt()).window(random.nextInt(65536));
        }
        return builder.build();
    }

    /**
     * Makes the full IPv4 header checksum and the transport checksum come out as zero by
     * choosing the identification field and the first payload word: with the word at 0 the
     * checksum is C, and adding C to the sum makes it 0xFFFF, whose complement is 0.
     */
    private void forceChecksumsToZero(MemorySegment segment, boolean udp) {
        ip().identification(0);
        ip().identification(ip().computeHeaderChecksum());
        ip().updateHeaderChecksum();
        long word = parser.payloadOffset();
        segment.set(U16, word, (short) 0);
        long pseudo = ip().pseudoHeaderSum(parser.l4Length());
        int fieldOffset = udp ? TransportChecksum.UDP_CHECKSUM_OFFSET : TransportChecksum.TCP_CHECKSUM_OFFSET;
        int checksum = TransportChecksum.compute(pseudo, segment, parser.l4Offset(), parser.l4Length(), fieldOffset);
        segment.set(U16, word, (short) checksum);
        storeFullL4Checksum(udp);
        assertEquals(0, ip().headerChecksum());
        assertEquals(udp ? 0xFFFF : 0, l4Checksum(udp));
    }

    private TransportFlyweight l4(boolean udp) {
        return udp ? parser.udp() : parser.tcp();
    }

    private void applyPlain(Edit edit, boolean udp) {
        if ((edit.mask() & 1) != 0) {
            ip().sourceAddress(edit.source());
        }
        if ((edit.mask() & 2) != 0) {
            ip().destinationAddress(edit.destination());
        }
        if ((edit.mask() & 4) != 0) {
            l4(udp).sourcePort(edit.sourcePort());
        }
        if ((edit.mask() & 8) != 0) {
            l4(udp).destinationPort(edit.destinationPort());
        }
        if ((edit.mask() & 16) != 0) {
            ip().ttl(edit.ttl());
        }
    }

    private void applyIncremental(Edit edit, boolean udp) {
        if ((edit.mask() & 1) != 0) {
            int old = ip().replaceSourceAddress(edit.source());
            l4(udp).adjustChecksum32(old, edit.source());
        }
        if ((edit.mask() & 2) != 0) {
            int old = ip().replaceDestinationAddress(edit.destination());
            l4(udp).adjustChecksum32(old, edit.destination());
        }
        if ((edit.mask() & 4) != 0) {
            l4(udp).replaceSourcePort(edit.sourcePort());
        }
        if ((edit.mask() & 8) != 0) {
            l4(udp).replaceDestinationPort(edit.destinationPort());
        }
        if ((edit.mask() & 16) != 0) {
            ip().replaceTtl(edit.ttl());
        }
    }

    private Ipv4Flyweight ip() {
        return parser.ipv4();
    }

    private int l4Checksum(boolean udp) {
        return udp ? parser.udp().checksum() : parser.tcp().checksum();
    }

    private int fullL4Checksum(boolean udp) {
        long pseudo = ip().pseudoHeaderSum(parser.l4Length());
        return udp ? parser.udp().computeChecksum(pseudo, parser.l4Length())
                : parser.tcp().computeChecksum(pseudo, parser.l4Length());
    }

    private void storeFullL4Checksum(boolean udp) {
        if (udp) {
            parser.udp().checksum(fullL4Checksum(true));
        } else {
            parser.tcp().checksum(fullL4Checksum(false));
        }
    }
}
