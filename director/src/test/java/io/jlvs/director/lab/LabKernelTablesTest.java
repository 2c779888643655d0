package io.jlvs.director.lab;

import static io.jlvs.director.lab.Scripts.jlvsdLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.AfPacket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jlvsd follows the kernel's routes and neighbours through rtnetlink: in the DR lab with one
 * real server, 30 s of steady state (requests flowing) start no process (neither its own count,
 * {@code jlvs_kernel_commands_total}, nor {@code /proc}'s children of jlvsd move), and when the
 * real server's MAC changes ({@code ip link set address}, announced by the server's kernel with
 * {@code arp_notify}), requests through the VIP reach it again as soon as the director's kernel
 * has the new MAC.
 *
 * <p>Runs on both backends (on AF_PACKET the nftables guard is installed with {@code nft} at
 * start, before the count begins). Uses this run's own namespaces ({@link Scripts#PREFIX}), so a lab that is up is left alone; needs root and curl.
 */
@Privileged
class LabKernelTablesTest {
    private static final String VIP = "192.168.188.100";
    private static final String RS1 = "192.168.188.81";
    private static final long STEADY_MS = 30_000;
    private static final long SAMPLE_MS = 50;
    private static final String NEW_MAC = "02:5a:00:00:00:81";

    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab kernel-tables test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab kernel-tables test", "curl", "curl");
    }

    @AfterEach
    void labDown() {
        Scripts.labDownIfUp();
    }

    @ParameterizedTest
    @ValueSource(strings = {"af_xdp", "af_packet"})
    void steadyStateStartsNoProcessAndANewServerMacIsFollowed(String io) throws Exception {
        Scripts.Result up = Scripts.lab("up", "dr", "--servers", "1", "--io", io);
        assertEquals(0, up.exitCode(), up::toString);
        long jlvsd = Scripts.labPid("director-jlvsd");
        assertTrue(curl(), "the VIP answers before anything changes" + jlvsdLog());

        Map<String, Long> before = commands();
        Set<Long> children = new TreeSet<>();
        long end = System.nanoTime() + STEADY_MS * 1_000_000;
        int requests = 0;
        while (System.nanoTime() < end) {
            children.addAll(childrenOf(jlvsd));
            if (requests++ % 20 == 0) {
                assertTrue(curl(), "the VIP answers during the steady state" + jlvsdLog());
            }
            Thread.sleep(SAMPLE_MS);
        }
        Map<String, Long> after = commands();
        assertEquals(before, after, "processes jlvsd started in " + STEADY_MS / 1000 + " s of steady state");
        assertEquals(Set.of(), children, "children of jlvsd seen in /proc during the steady state");

        Scripts.Result notify = Scripts.inNamespace(Scripts.ns("rs1"), Map.of(), "sysctl", "-qw",
                "net.ipv4.conf.eth0.arp_notify=1");
        assertEquals(0, notify.exitCode(), notify::toString);
        long changedAt = System.nanoTime();
        Scripts.Result change = Scripts.inNamespace(Scripts.ns("rs1"), Map.of(), "ip", "link", "set", "dev", "eth0",
                "address", NEW_MAC);
        assertEquals(0, change.exitCode(), change::toString);
        long kernelKnowsAt = 0;
        long answeredAt = 0;
        for (int attempt = 0; attempt < 100 && answeredAt == 0; attempt++) {
            if (kernelKnowsAt == 0 && directorKernelHas(NEW_MAC)) {
                kernelKnowsAt = System.nanoTime();
            }
            if (curl()) {
                answeredAt = System.nanoTime();
            }
        }
        assertTrue(kernelKnowsAt != 0 || directorKernelHas(NEW_MAC), "the director's kernel learnt rs1's new MAC");
        assertTrue(answeredAt != 0, "requests through the VIP reach rs1 at its new MAC" + jlvsdLog());
        System.out.printf("lab kernel tables (%s): rs1's new MAC answered through the VIP %.0f ms after the change%n",
                io, (answeredAt - changedAt) / 1e6);
        assertEquals(after, commands(), "following the change started no process");
    }

    /** One request from the client through the VIP, with a short timeout: whether it was answered. */
    private static boolean curl() {
        return Scripts.inNamespace(Scripts.ns("client"), Map.of(), "curl", "-s", "--max-time", "1",
                "http://" + VIP + "/").exitCode() == 0;
    }

    private static boolean directorKernelHas(String mac) {
        return Scripts.inNamespace(Scripts.ns("director"), Map.of(), "ip", "neigh", "show", RS1).output().contains(mac);
    }

    /** jlvsd's {@code jlvs_kernel_commands_total} samples, by command. */
    private static Map<String, Long> commands() {
        Scripts.Result r = Scripts.inNamespace(Scripts.ns("director"), Map.of(), "curl", "-s", "--max-time", "5",
                "http://127.0.0.1:9180/metrics");
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, Long> counts = new TreeMap<>();
        for (String line : r.output().split("\n")) {
            if (line.startsWith("jlvs_kernel_commands_total{command=\"")) {
                int q = line.indexOf('"', 36);
                counts.put(line.substring(36, q), (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return counts;
    }

    /** The PIDs of {@code pid}'s children now (every thread's). */
    private static Set<Long> childrenOf(long pid) throws IOException {
        Set<Long> children = new TreeSet<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var stream = Files.list(tasks)) {
            for (Path task : stream.toList()) {
                try {
                    for (String child : Files.readString(task.resolve("children")).trim().split("\\s+")) {
                        if (!child.isEmpty()) {
                            children.add(Long.parseLong(child));
                        }
                    }
                } catch (IOException threadEnded) {
                    // A thread that ended between the listing and the read has no children to show.
                }
            }
        }
        return children;
    }
}
