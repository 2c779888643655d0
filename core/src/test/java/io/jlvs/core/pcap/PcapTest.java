package io.jlvs.core.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.ArpFlyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pcap writing and reading: round trips, tcpdump reading our files, our reader on tcpdump's files, bad files. */
class PcapTest {
    private static final long T0_NS = 1_700_000_000_000_001_000L;

    @TempDir
    Path dir;

    private static byte[] syn() {
        return new PacketBuilder().source("10.0.0.1").destination("10.0.0.2").tcp(40000, 80)
                .tcpFlags(TcpFlyweight.SYN).sequence(1000, 0).identification(7).build();
    }

    private Path writeSample() throws IOException {
        Path file = dir.resolve("sample.pcap");
        try (PcapWriter writer = PcapWriter.create(file)) {
            writer.write(T0_NS, syn());
            writer.write(T0_NS + 1_000_000, new PacketBuilder().source("10.0.0.2").destination("10.0.0.1")
                    .udp(53, 5353).payload("answer").build());
            writer.write(T0_NS + 2_000_000, new PacketBuilder().icmpEcho(77, 3).payload("ping").build());
            writer.write(T0_NS + 3_000_000, new PacketBuilder().arp(ArpFlyweight.OP_REQUEST, 0x0200_0000_0001L,
                    Ipv4.parse("10.0.0.1"), 0, Ipv4.parse("10.0.0.100")).padTo(60).build());
            byte[] tagged = new PacketBuilder().vlan(42).tcp(1234, 443).tcpFlags(TcpFlyweight.ACK).build();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ring = arena.allocate(tagged.length + 1);
                MemorySegment.copy(tagged, 0, ring, ValueLayout.JAVA_BYTE, 1, tagged.length);
                writer.write(T0_NS + 4_000_000, ring, 1, tagged.length);
            }
        }
        return file;
    }

    @Test
    void roundTripKeepsTimestampsLengthsAndBytes() throws IOException {
        Path file = writeSample();
        List<PcapRecord> records = PcapReader.readAll(file);
        assertEquals(5, records.size());
        assertArrayEquals(syn(), records.get(0).data());
        assertEquals(T0_NS, records.get(0).timestampNs());
        assertEquals(T0_NS + 4_000_000, records.get(4).timestampNs());
        assertEquals(60, records.get(3).capturedLength());
        assertEquals(60, records.get(3).originalLength());
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
            assertFalse(reader.isNanosecond());
            assertEquals(PcapFormat.LINKTYPE_ETHERNET, reader.linkType());
            assertEquals(262144, reader.snapLength());
        }
    }

    @Test
    void writesACutRecordWithItsOriginalLength() throws IOException {
        Path file = dir.resolve("cut.pcap");
        byte[] frame = syn();
        try (PcapWriter writer = PcapWriter.create(file)) {
            writer.write(T0_NS, frame, 0, 34, frame.length);
        }
        PcapRecord record = PcapReader.readAll(file).getFirst();
        assertEquals(34, record.capturedLength());
        assertEquals(frame.length, record.originalLength());
        assertArrayEquals(Arrays.copyOf(frame, 34), record.data());
    }

    @Test
    void tcpdumpReadsWhatJlvsWritesAndFindsTheChecksumsCorrect() throws Exception {
        Path tcpdump = Path.of("/usr/bin/tcpdump");
        Assumptions.assumeTrue(Files.isExecutable(tcpdump) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "tcpdump is not installed (bin/test installs it with apt-get); cannot check its reading");
        Path file = writeSample();
        Process process = new ProcessBuilder(Files.isExecutable(tcpdump) ? tcpdump.toString() : "/usr/sbin/tcpdump",
                "-nn", "-tt", "-vv", "-e", "-r", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "tcpdump finished");
        assertEquals(0, process.exitValue(), output);
        String[] lines = output.split("\n");
        assertTrue(output.contains("link-type EN10MB (Ethernet)"), output);
        assertTrue(output.contains("1700000000.000001 02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4"), output);
        assertTrue(output.contains("ttl 64, id 7, offset 0, flags [DF], proto TCP (6), length 40"), output);
        assertTrue(output.contains("10.0.0.1.40000 > 10.0.0.2.80: Flags [S], cksum "), output);
        assertTrue(output.contains("(correct), seq 1000, win 65535, length 0"), output);
        assertTrue(output.contains("1700000000.001001 "), output);
        assertTrue(output.contains("10.0.0.2.53 > 10.0.0.1.5353: [udp sum ok]"), output);
        assertTrue(output.contains("ICMP echo request, id 77, seq 3, length 12"), output);
        assertTrue(output.contains("Request who-has 10.0.0.100 tell 10.0.0.1, length 46"), output);
        assertTrue(output.contains("vlan 42"), output);
        assertTrue(output.contains("10.0.0.1.1234 > 10.0.0.2.443: Flags [.], cksum "), output);
        assertFalse(output.contains("bad cksum") || output.contains("incorrect"), output);
        assertEquals(5, Arrays.stream(lines).filter(l -> l.startsWith("17000000")).count(), output);
    }

    @Test
    void readsTheHeaderOfAFileTcpdumpWrote() throws Exception {
        // tcpdump -tt -nn -r tcp.pcap: 12 records, the first at 1795268591.169748
        Path file = Path.of(PcapTest.class.getResource("/captures/tcp.pcap").toURI());
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(ByteOrder.LITTLE_ENDIAN, reader.byteOrder());
            assertEquals(262144, reader.snapLength());
            assertTrue(reader.next());
            assertEquals(1_795_268_591_169_748_000L, reader.timestampNs());
            assertEquals(42, reader.capturedLength());
            int records = 1;
            while (reader.next()) {
                records++;
            }
            assertEquals(12, records);
            assertFalse(reader.next());
        }
    }

    /** A pcap with one 4-byte record, built field by field in the given order and magic. */
    private static byte[] handMade(ByteOrder order, int magic, int linkType, int fraction) {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 4).order(order);
        b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        b.putInt(1_000).putInt(fraction).putInt(4).putInt(60);
        b.put(new byte[] {1, 2, 3, 4});
        return b.array();
    }

    private static PcapReader reader(byte[] bytes) throws IOException {
        return new PcapReader(new ByteArrayInputStream(bytes), "test.pcap");
    }

    @Test
    void readsBigEndianMicrosecondFiles() throws IOException {
        try (PcapReader reader = reader(handMade(ByteOrder.BIG_ENDIAN, 0xa1b2c3d4, 1, 250_000))) {
            assertEquals(ByteOrder.BIG_ENDIAN, reader.byteOrder());
            PcapRecord record = reader.readRecord();
            assertEquals(1_000_250_000_000L, record.timestampNs());
            assertEquals(60, record.originalLength());
            assertArrayEquals(new byte[] {1, 2, 3, 4}, record.data());
            assertNull(reader.readRecord());
        }
    }

    @Test
    void readsNanosecondFilesInEitherByteOrder() throws IOException {
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            try (PcapReader reader = reader(handMade(order, 0xa1b23c4d, 1, 123_456_789))) {
                assertTrue(reader.isNanosecond());
                assertEquals(1_000_123_456_789L, reader.readRecord().timestampNs());
            }
        }
    }

    private static String failure(byte[] bytes) {
        return assertThrows(IOException.class, () -> {
            try (PcapReader reader = reader(bytes)) {
                while (reader.next()) {
                    reader.data();
                }
            }
        }).getMessage();
    }

    @Test
    void rejectsBadFilesWithMessagesNamingTheProblem() {
        byte[] good = handMade(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, 0);
        assertEquals("test.pcap: not a pcap file: bad magic 0x7f454c46 (expected 0xa1b2c3d4 or 0xa1b23c4d"
                + " in either byte order)", failure(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}));
        assertTrue(failure(new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0}).contains("is a pcapng file"));
        assertEquals("test.pcap: not a pcap file: 2 bytes, too short for a magic number",
                failure(new byte[] {1, 2}));
        assertEquals("test.pcap: truncated pcap global header: 20 of 24 bytes", failure(Arrays.copyOf(good, 20)));
        assertEquals("test.pcap: unsupported link type 113 (only 1, Ethernet, is read)",
                failure(handMade(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 113, 0)));
        assertEquals("test.pcap: truncated record 1 at byte 24: header has 10 of 16 bytes",
                failure(Arrays.copyOf(good, 34)));
        assertEquals("test.pcap: truncated record 1 at byte 24: data has 2 of 4 bytes",
                failure(Arrays.copyOf(good, 42)));
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 300_000);
        assertEquals("test.pcap: record 1 at byte 24: captured length 300000 exceeds the 262144-byte maximum"
                + " (corrupt file?)", failure(huge));
        byte[] version = good.clone();
        version[4] = 1;
        assertEquals("test.pcap: unsupported pcap version 1.4 (expected 2.x)", failure(version));
    }
}
