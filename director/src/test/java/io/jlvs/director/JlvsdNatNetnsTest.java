package io.jlvs.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.xdp.XdpFilter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAT through jlvsd to a client on the director's own LAN, whose MAC the director has not learnt
 * when the real server's SYN-ACK comes back: the VIP is not on the director's kernel, jlvsd
 * answers ARP for it, so nothing has made the kernel resolve the client. The kernel's IPVS sends such a packet through the
 * neighbour code, which resolves and queues; jlvsd hands it to the kernel's IP output
 * ({@code kernel_routed}) instead of dropping it ({@code no_next_hop}) and leaving the client to
 * retransmit its SYN a second later.
 *
 * <pre>
 *   client 10.201.0.10/24 ──┐
 *   director 10.201.0.1/24, 10.202.0.1/24; VIP 10.201.0.100 answered by jlvsd ── bridge
 *   rs1 10.202.0.81/24 (gw 10.202.0.1), jwebserver on 8080 ──┘
 * </pre>
 * One bridge, two subnets: the real server reaches the client only through the director.
 * Needs root, iproute2 and curl; skipped with the reason otherwise.
 */
@Privileged
class JlvsdNatNetnsTest {
    private static final String VIP = "10.201.0.100";
    private static final Pattern RETRANSMITTED = Pattern.compile("(?m)^Tcp: (.*)\\n^Tcp: (.*)$");

    @ParameterizedTest
    @ValueSource(strings = {"af_xdp", "af_packet"})
    void theFirstSynAckToAClientNotResolvedYetReachesIt(String io, @TempDir Path dir) throws Exception {
        Path jwebserver = JlvsdNetnsTest.assumeJlvsdLab();
        if (io.equals("af_xdp")) {
            String reason = XdpFilter.unavailabilityReason();
            assumeTrue(reason == null, () -> "AF_XDP half skipped: this kernel cannot run jlvs's XDP program: " + reason);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (NetnsLab lab = NetnsLab.create()) {
            String lan = lab.namespace("lan");
            String bridge = lab.bridge("br", lan);
            String client = lab.namespace("cl");
            String director = lab.namespace("dir");
            String rs1 = lab.namespace("rs1");
            JlvsdNetnsTest.join(lab, client, "c", lan, bridge, "10.201.0.10/24");
            String directorLink = JlvsdNetnsTest.join(lab, director, "d", lan, bridge, "10.201.0.1/24");
            lab.address(director, directorLink, "10.202.0.1/24");
            JlvsdNetnsTest.join(lab, rs1, "r", lan, bridge, "10.202.0.81/24");
            lab.route(rs1, "default", "via", "10.202.0.1");
            Path root = Files.createDirectories(dir.resolve("rs1"));
            Files.writeString(root.resolve("index.html"), "rs1\n");
            lab.start(rs1, jwebserver.toString(), "-b", "0.0.0.0", "-p", "8080", "-d", root.toString());

            Path config = dir.resolve("services.yaml");
            Files.writeString(config, """
                    global:
                      interfaces: [%s]
                      workers: 1
                      io:
                        backend: %s
                      connection-table-capacity: 1024
                      control-socket: %s
                      metrics-listen: 127.0.0.1:9180
                    services:
                      - protocol: tcp
                        vip: %s
                        port: 80
                        scheduler: rr
                        servers:
                          - address: 10.202.0.81
                            port: 8080
                            method: nat
                    """.formatted(directorLink, io, dir.resolve("jlvsd.sock"), VIP));
            Path log = dir.resolve("jlvsd.log");
            String command = String.join(" ", java.toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", "'" + System.getProperty("java.class.path") + "'", Jlvsd.class.getName(),
                    "--config", config.toString(), ">", log.toString(), "2>&1");
            Process jlvsd = lab.start(director, "sh", "-c", "exec " + command);
            JlvsdNetnsTest.awaitLog(log, "jlvsd: running");
            // The director reaches rs1 itself (jlvsd resolves its real servers in advance); the
            // client has talked to nobody yet, so no host knows its MAC.
            assertEquals("rs1", lab.run(director, "curl", "-s", "--max-time", "5", "http://10.202.0.81:8080/").strip());
            assertEquals("", lab.run(director, "ip", "neigh", "show", "10.201.0.10").strip(),
                    "the director has not learnt the client's MAC before the test");

            long retransmittedBefore = retransmittedSegments(lab, client);
            NetnsLab.Result r = lab.exec(client, "curl", "-s", "--max-time", "10", "http://" + VIP + "/");
            assertEquals(0, r.exitCode(), "curl through the VIP: " + r.output() + "\njlvsd log:\n" + Files.readString(log));
            assertEquals("rs1", r.output().strip());
            long retransmitted = retransmittedSegments(lab, client) - retransmittedBefore;
            String metrics = lab.run(director, "curl", "-s", "--max-time", "5", "http://127.0.0.1:9180/metrics");
            assertEquals(0, retransmitted, "the client sent its SYN once: the first SYN-ACK reached it\n"
                    + reasons(metrics));
            assertEquals(0, reasonTotal(metrics, "no_next_hop"), reasons(metrics));
            assertTrue(reasonTotal(metrics, "kernel_routed") >= 1,
                    "the SYN-ACK went through the kernel's output\n" + reasons(metrics));

            jlvsd.destroy();
            assertTrue(jlvsd.waitFor(10, TimeUnit.SECONDS), "jlvsd stops on SIGTERM");
        }
    }

    /** {@code RetransSegs} of the namespace's {@code /proc/net/snmp}. */
    private static long retransmittedSegments(NetnsLab lab, String namespace) {
        String snmp = lab.run(namespace, "cat", "/proc/net/snmp");
        Matcher m = RETRANSMITTED.matcher(snmp);
        assertTrue(m.find(), snmp);
        String[] names = m.group(1).trim().split("\\s+");
        String[] values = m.group(2).trim().split("\\s+");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals("RetransSegs")) {
                return Long.parseLong(values[i]);
            }
        }
        throw new AssertionError("no RetransSegs in\n" + snmp);
    }

    /** The sum over workers of {@code jlvs_worker_frames_by_reason_total{reason}}. */
    private static long reasonTotal(String metrics, String reason) {
        Matcher m = Pattern.compile("(?m)^jlvs_worker_frames_by_reason_total\\{[^}]*reason=\"" + reason
                + "\"[^}]*} (\\S+)$").matcher(metrics);
        long sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(1));
            found = true;
        }
        assertTrue(found, "no " + reason + " sample in /metrics");
        return sum;
    }

    private static String reasons(String metrics) {
        StringBuilder out = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jlvs_worker_frames_by_reason_total") && !line.endsWith(" 0")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
