package io.jlvs.dataplane.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.pcap.PcapReader;
import io.jlvs.core.pcap.PcapRecord;
import io.jlvs.core.pcap.PcapWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes the inputs and outputs of the fixtures that forward or reply as pcap files under
 * {@code target/forward-pcap/} (open them in Wireshark), reads them back, and has tcpdump
 * check the checksums of every output frame.
 */
class PcapRoundTripTest {
    private static final long T0_NS = 1_700_000_000_000_000_000L;
    private static final Path DIRECTORY = Path.of("target", "forward-pcap");
    private static final List<byte[]> INPUTS = new ArrayList<>();
    private static final List<byte[]> OUTPUTS = new ArrayList<>();

    @BeforeAll
    static void runFixturesAndWritePcaps() throws IOException {
        for (RewriteFixturesTest.Fixture fixture : RewriteFixturesTest.fixtures()) {
            if (fixture.verdict() == ForwardVerdict.DROP) {
                continue;
            }
            Env env = new Env();
            env.load(fixture.input());
            ForwardVerdict verdict = fixture.rewrite().apply(env);
            INPUTS.add(fixture.input());
            OUTPUTS.add(verdict == ForwardVerdict.FORWARD ? env.output() : env.replyFrame());
        }
        addFragments(Frames.fromClient().udp(Frames.CLIENT_PORT, Frames.UDP_VPORT).dontFragment(false)
                .payload(new byte[1600]).build(), env -> env.dr(Frames.MTU));
        addFragments(Frames.fromClient().udp(Frames.CLIENT_PORT, Frames.UDP_VPORT).dontFragment(false)
                .payload(new byte[1500]).build(), env -> env.tunnel(Frames.MTU, Env.HEADROOM));
        Files.createDirectories(DIRECTORY);
        write(DIRECTORY.resolve("input.pcap"), INPUTS);
        write(DIRECTORY.resolve("output.pcap"), OUTPUTS);
    }

    private static void addFragments(byte[] input, Function<Env, ForwardVerdict> rewrite) {
        Env env = new Env().withFragments();
        env.load(input);
        assertEquals(ForwardVerdict.FRAGMENTED, rewrite.apply(env));
        INPUTS.add(input);
        for (int i = 0; i < env.fragments.count(); i++) {
            OUTPUTS.add(env.fragment(i));
        }
    }

    private static void write(Path file, List<byte[]> frames) throws IOException {
        try (PcapWriter writer = PcapWriter.create(file)) {
            for (int i = 0; i < frames.size(); i++) {
                writer.write(T0_NS + i * 1_000_000L, frames.get(i));
            }
        }
    }

    @Test
    void readsBackEveryFrameWritten() throws IOException {
        List<PcapRecord> records = PcapReader.readAll(DIRECTORY.resolve("output.pcap"));
        assertEquals(OUTPUTS.size(), records.size());
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(OUTPUTS.get(i), records.get(i).data(), "record " + i);
        }
    }

    @Test
    void tcpdumpFindsEveryOutputChecksumCorrect() throws Exception {
        String output = tcpdump(DIRECTORY.resolve("output.pcap"));
        assertFalse(output.contains("bad cksum") || output.contains("incorrect") || output.contains("wrong"), output);
        assertEquals(OUTPUTS.size(), Arrays.stream(output.split("\n")).filter(l -> l.startsWith("1700000000")).count(),
                output);
        assertTrue(output.contains("(correct)") && output.contains("[udp sum ok]"), output);
        assertTrue(output.contains("proto IPIP (4)") && output.contains("10.1.1.1 > 10.1.1.2: (tos "),
                "IPIP shown with its inner packet\n" + output);
        assertTrue(output.contains("need to frag (mtu 1480)"), output);
        assertTrue(output.contains("time exceeded in-transit"), output);
        assertTrue(output.contains("offset 1480, flags [none], proto UDP (17), length 148"),
                "last DR fragment shown\n" + output);
        assertTrue(output.contains("offset 1480, flags [none], proto IPIP (4), length 68"),
                "last tunnel fragment shown\n" + output);
    }

    @Test
    void tcpdumpFindsEveryInputChecksumCorrect() throws Exception {
        String output = tcpdump(DIRECTORY.resolve("input.pcap"));
        assertFalse(output.contains("bad cksum") || output.contains("incorrect") || output.contains("wrong"), output);
    }

    private static String tcpdump(Path file) throws Exception {
        Path binary = Files.isExecutable(Path.of("/usr/bin/tcpdump")) ? Path.of("/usr/bin/tcpdump")
                : Path.of("/usr/sbin/tcpdump");
        Assumptions.assumeTrue(Files.isExecutable(binary),
                "tcpdump is not installed; the pcap files are written but their checksums are not cross-checked");
        Process process = new ProcessBuilder(binary.toString(), "-nn", "-tt", "-vv", "-e", "-r", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "tcpdump finished");
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
