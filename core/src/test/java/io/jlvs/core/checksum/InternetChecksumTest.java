package io.jlvs.core.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Full Internet checksum and RFC 1624 update against the RFCs' worked examples and a kernel-written header. */
class InternetChecksumTest {
    private static MemorySegment bytes(String hex) {
        return MemorySegment.ofArray(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    @Test
    void rfc1071WorkedExampleSumsToDdf2WithChecksum220d() {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 -> one's complement sum ddf2
        MemorySegment data = bytes("00 01 f2 03 f4 f5 f6 f7");
        assertEquals(0xddf2, InternetChecksum.fold(InternetChecksum.sum(data, 0, 8)));
        assertEquals(0x220d, InternetChecksum.checksum(data, 0, 8));
    }

    @Test
    void rfc1071ExampleGivesTheSameSumAtEveryAlignmentInNativeMemory() {
        byte[] example = HexFormat.of().parseHex("0001f203f4f5f6f7");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(64);
            for (int offset = 0; offset < 16; offset++) {
                MemorySegment.copy(example, 0, native_, ValueLayout.JAVA_BYTE, offset, example.length);
                assertEquals(0x220d, InternetChecksum.checksum(native_, offset, 8), "offset " + offset);
            }
        }
    }

    @Test
    void oddLengthPadsTheLastByteWithZero() {
        // 01 02 03 is summed as 0102 + 0300 = 0402; checksum fbfd
        assertEquals(0xfbfd, InternetChecksum.checksum(bytes("010203"), 0, 3));
        // a long odd run crosses the 8-, 4-, 2- and 1-byte tails: 15 bytes of ff -> words ffff*7 + ff00
        MemorySegment ff = bytes("ff".repeat(15));
        // ffff is one's complement zero, so the sum is ff00 and the checksum 00ff
        assertEquals(0x00ff, InternetChecksum.checksum(ff, 0, 15));
    }

    @Test
    void rfc1624Section4ExampleGivesZeroWhereEquationTwoGivesFfff() {
        // RFC 1624 section 4: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285; recomputation gives 0x0000
        assertEquals(0x0000, InternetChecksum.update16(0xdd2f, 0x5555, 0x3285));
    }

    @Test
    void kernelWrittenIpv4HeaderVerifiesAndRecomputes() {
        // The IPv4 header of the SYN in captures/tcp.pcap as `tcpdump -x` prints it
        // (id 25476, DF, ttl 64, TCP, 10.213.0.1 > 10.213.0.2), checksum c18b from the kernel.
        MemorySegment header = bytes("4500 003c 6384 4000 4006 c18b 0ad5 0001 0ad5 0002");
        assertTrue(InternetChecksum.isIpv4HeaderValid(header, 0, 20));
        assertEquals(0xc18b, InternetChecksum.ipv4Header(header, 0, 20));
        header.set(ValueLayout.JAVA_BYTE, 8, (byte) 63);
        assertFalse(InternetChecksum.isIpv4HeaderValid(header, 0, 20));
    }

    @Test
    void update32EqualsTwoUpdate16s() {
        int checksum = 0x1234;
        int viaHalves = InternetChecksum.update16(InternetChecksum.update16(checksum, 0x0a00, 0xc0a8), 0x0001, 0x0102);
        assertEquals(viaHalves, InternetChecksum.update32(checksum, 0x0a000001, 0xc0a80102));
    }

    @Test
    void udpUpdateLeavesNoChecksumAloneAndSendsZeroAsFfff() {
        assertEquals(0, TransportChecksum.updateUdp16(0, 1234, 80));
        assertEquals(0, TransportChecksum.updateUdp32(0, 0x0a000001, 0x0a000002));
        // the RFC 1624 example again: a true result of 0x0000 goes on the wire as 0xffff
        assertEquals(0xffff, TransportChecksum.updateUdp16(0xdd2f, 0x5555, 0x3285));
    }
}
