package io.jlvs.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.netns.NetnsLab.VethPair;
import io.jlvs.dataplane.sys.AfPacket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames that find jlvsd's receive ring full are counted, not lost silently: jlvsd runs with the
 * smallest ring (64 slots) and is stopped (SIGSTOP) while a client floods it with 2000 pings
 * sent at once; after SIGCONT, {@code /metrics} shows them as {@code ring_full} drops, and the
 * frames read plus the frames dropped account for every ping. Needs root, iproute2, ping and curl.
 */
@Privileged
class RingDropsNetnsTest {
    private static final int PINGS = 2000;
    private static final int RING_FRAMES = 64;
    private static final long DEADLINE_MS = 30_000;
    private static final Pattern SAMPLE = Pattern.compile(
            "^(jlvs_io_frames_received_total|jlvs_io_drops_total)\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    @Test
    void aFullRingsDropsAreInMetricsAndEveryFrameIsAccountedFor(@TempDir Path dir) throws Exception {
        NetnsLab.assumeNetnsAvailable();
        assumeTrue(AfPacket.isAvailable(), () -> "skipped: AF_PACKET sockets unavailable: "
                + AfPacket.unavailabilityCause());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "skipped: curl is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping")),
                "skipped: ping is not installed");
        try (NetnsLab lab = NetnsLab.create()) {
            String client = lab.namespace("cl");
            String director = lab.namespace("dir");
            VethPair link = lab.veth("c", client, "d", director);
            lab.address(client, link.a(), "10.201.0.10/24");
            lab.address(director, link.b(), "10.201.0.1/24");
            lab.run(director, "ip", "link", "set", "lo", "up");
            Path config = dir.resolve("services.yaml");
            Files.writeString(config, """
                    global:
                      interfaces: [%s]
                      connection-table-capacity: 1024
                      control-socket: %s
                      metrics-listen: 127.0.0.1:9181
                      io: {backend: af_packet, rx-ring-frames: %d}
                    services: []
                    """.formatted(link.b(), dir.resolve("jlvsd.sock"), RING_FRAMES));
            Path log = dir.resolve("jlvsd.log");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            String command = String.join(" ", java.toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", "'" + System.getProperty("java.class.path") + "'", Jlvsd.class.getName(),
                    "--config", config.toString(), ">", log.toString(), "2>&1");
            Process jlvsd = lab.start(director, "sh", "-c", "exec " + command);
            JlvsdNetnsTest.awaitLog(log, "jlvsd: running");
            // The client learns the director's MAC first, so the burst is all echo requests.
            assertEquals(0, lab.exec(client, "ping", "-c", "1", "-W", "5", "10.201.0.1").exitCode());
            long before = received(lab, director);

            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(jlvsd.pid())).start().waitFor());
            NetnsLab.Result flood = lab.exec(client, "ping", "-q", "-c", Integer.toString(PINGS), "-l",
                    Integer.toString(PINGS), "-W", "1", "10.201.0.1");
            assertEquals(0, new ProcessBuilder("kill", "-CONT", Long.toString(jlvsd.pid())).start().waitFor());

            long drops = 0;
            long read = 0;
            long deadline = System.currentTimeMillis() + DEADLINE_MS;
            while (System.currentTimeMillis() < deadline) {
                drops = ringFullDrops(lab, director);
                read = received(lab, director) - before;
                if (read + drops >= PINGS) {
                    break;
                }
                Thread.sleep(100);
            }
            String context = "ping: " + flood.output() + "\njlvsd log:\n" + Files.readString(log);
            assertTrue(drops >= PINGS - 2L * RING_FRAMES, "ring_full drops " + drops + "\n" + context);
            assertTrue(read + drops >= PINGS, "read " + read + " + dropped " + drops + " < " + PINGS + "\n" + context);
            assertTrue(read <= PINGS, "read " + read);

            jlvsd.destroy();
            assertTrue(jlvsd.waitFor(10, TimeUnit.SECONDS), "jlvsd stops on SIGTERM");
            String text = Files.readString(log);
            Matcher stopped = Pattern.compile("lost in the rings (\\d+) \\(ring_full (\\d+)\\)").matcher(text);
            assertTrue(stopped.find(), text);
            assertTrue(Long.parseLong(stopped.group(2)) >= drops, text);
        }
    }

    private static String metrics(NetnsLab lab, String director) {
        NetnsLab.Result r = lab.exec(director, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9181/metrics");
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private static long received(NetnsLab lab, String director) {
        return sum(metrics(lab, director), "jlvs_io_frames_received_total", "");
    }

    private static long ringFullDrops(NetnsLab lab, String director) {
        return sum(metrics(lab, director), "jlvs_io_drops_total", "reason=\"ring_full\"");
    }

    private static long sum(String text, String family, String label) {
        long sum = 0;
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(family) && m.group(2).contains(label)) {
                sum += (long) Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }
}
