package io.jlvs.director.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.pcap.PcapReader;
import io.jlvs.core.pcap.PcapRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A tcpdump in a lab namespace writing a pcap file, read back as frames once stopped. */
final class PcapCapture implements AutoCloseable {
    private final Process process;
    private final Path file;

    private PcapCapture(Process process, Path file) {
        this.process = process;
        this.file = file;
    }

    /** Captures the frames matching {@code filter} on {@code link} of {@code namespace}, for at most 60 s. */
    static PcapCapture start(String namespace, String link, String filter) throws IOException {
        Path file = Files.createTempFile("jlvs-capture", ".pcap");
        Process p = Capture.startListening(List.of("ip", "netns", "exec", namespace, "timeout", "60", "tcpdump", "-n",
                "--immediate-mode", "-U", "-i", link, "-w", file.toString(), filter));
        return new PcapCapture(p, file);
    }

    /**
     * Stops tcpdump (SIGTERM, so it completes the file) and returns the Ethernet frames it captured;
     * it runs in immediate mode, so no captured frame waits in a kernel buffer when it stops.
     */
    List<Frame> stop() throws Exception {
        process.destroy();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "tcpdump stops on SIGTERM");
        try (PcapReader reader = PcapReader.open(file)) {
            assertTrue(reader.linkType() == 1, "Ethernet link type, not " + reader.linkType());
        }
        return PcapReader.readAll(file).stream().map(PcapRecord::data).map(Frame::new).toList();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(file);
    }

    /** One captured Ethernet frame with an IPv4 packet at byte 14, read field by field (network byte order). */
    record Frame(byte[] bytes) {
        static final int IP = 14;

        String dstMac() {
            return mac(0);
        }

        String srcMac() {
            return mac(6);
        }

        private String mac(int at) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                s.append(i == 0 ? "" : ":").append(String.format("%02x", bytes[at + i] & 0xFF));
            }
            return s.toString();
        }

        int etherType() {
            return u16(12);
        }

        /** The IPv4 header's length in bytes, of the header at {@code ip}. */
        int headerLength(int ip) {
            return (bytes[ip] & 0x0F) * 4;
        }

        int ttl(int ip) {
            return bytes[ip + 8] & 0xFF;
        }

        int protocol(int ip) {
            return bytes[ip + 9] & 0xFF;
        }

        String src(int ip) {
            return address(ip + 12);
        }

        String dst(int ip) {
            return address(ip + 16);
        }

        int srcPort(int ip) {
            return u16(ip + headerLength(ip));
        }

        int dstPort(int ip) {
            return u16(ip + headerLength(ip) + 2);
        }

        /** The inner packet's offset of an IPIP packet (protocol 4) at byte 14. */
        int inner() {
            return IP + headerLength(IP);
        }

        /**
         * The IPv4 packet at {@code ip} up to its total length, with the fields a router or a
         * checksum offload changes zeroed: TTL, header checksum and (for TCP) the TCP checksum.
         */
        List<Byte> withoutTtlAndChecksums(int ip) {
            byte[] packet = Arrays.copyOfRange(bytes, ip, ip + u16(ip + 2));
            packet[8] = 0;
            packet[10] = 0;
            packet[11] = 0;
            if (protocol(ip) == 6) {
                packet[headerLength(ip) + 16] = 0;
                packet[headerLength(ip) + 17] = 0;
            }
            Byte[] boxed = new Byte[packet.length];
            for (int i = 0; i < packet.length; i++) {
                boxed[i] = packet[i];
            }
            return List.of(boxed);
        }

        private String address(int at) {
            return (bytes[at] & 0xFF) + "." + (bytes[at + 1] & 0xFF) + "." + (bytes[at + 2] & 0xFF) + "."
                    + (bytes[at + 3] & 0xFF);
        }

        private int u16(int at) {
            return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
        }
    }
}
