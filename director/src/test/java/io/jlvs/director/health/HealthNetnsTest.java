package io.jlvs.director.health;

import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.netns.NetnsLab.VethPair;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.director.Jlvsd;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Health checks through a running jlvsd in network namespaces: a client, the director and two
 * DR real servers ({@code jwebserver}) on one bridged LAN, as the jlvsd lab test builds it,
 * with an HTTP check every 0.2 s, 3 retries. Stopping rs1's web server quiesces rs1 within
 * interval × retries (seen in {@code /metrics}, read in the director's namespace and parsed
 * by a Prometheus text parser), new connections then all go to rs2, and starting it again
 * restores rs1. Needs root, iproute2 and curl; skipped with the reason otherwise.
 */
class HealthNetnsTest {
    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");
    private static final String VIP = "10.200.0.100";
    private static final String RS1 = "10.200.0.81";
    private static final String RS2 = "10.200.0.82";
    private static final long INTERVAL_MS = 200;
    private static final int RETRIES = 3;
    private static final long WAIT_MS = 30_000;

    @Test
    void stoppingRs1QuiescesItAndStartingItRestoresIt(@TempDir Path dir) throws Exception {
        NetnsLab.assumeNetnsAvailable();
        assumeTrue(AfPacket.isAvailable(), () -> "skipped: AF_PACKET sockets unavailable: "
                + AfPacket.unavailabilityCause());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "skipped: curl is not installed");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jwebserver = Path.of(System.getProperty("java.home"), "bin", "jwebserver");
        assumeTrue(Files.isExecutable(jwebserver), "skipped: the JDK has no jwebserver");
        try (NetnsLab lab = NetnsLab.create()) {
            String lan = lab.namespace("lan");
            String bridge = lab.bridge("br", lan);
            String client = lab.namespace("cl");
            String director = lab.namespace("dir");
            String[] rs = {lab.namespace("rs1"), lab.namespace("rs2")};
            String clientLink = link(lab, client, "c", lan, bridge, "10.200.0.10/24");
            String directorLink = link(lab, director, "d", lan, bridge, "10.200.0.1/24");
            String[] rsLinks = {link(lab, rs[0], "r", lan, bridge, RS1 + "/24"),
                    link(lab, rs[1], "s", lan, bridge, RS2 + "/24")};
            Path[] roots = new Path[2];
            Process[] web = new Process[2];
            for (int i = 0; i < 2; i++) {
                lab.run(rs[i], "ip", "addr", "add", VIP + "/32", "dev", "lo");
                lab.sysctl(rs[i], "net.ipv4.conf.all.arp_ignore", "1");
                lab.sysctl(rs[i], "net.ipv4.conf.all.arp_announce", "2");
                roots[i] = Files.createDirectories(dir.resolve("rs" + (i + 1)));
                Files.writeString(roots[i].resolve("index.html"), "rs" + (i + 1) + "\n");
                web[i] = lab.start(rs[i], jwebserver.toString(), "-b", "0.0.0.0", "-p", "80", "-d", roots[i].toString());
            }
            lab.run(client, "ip", "neigh", "add", VIP, "lladdr", mac(lab, director, directorLink), "dev", clientLink,
                    "nud", "permanent");
            Path config = dir.resolve("services.yaml");
            Files.writeString(config, """
                    global:
                      interfaces: [%s]
                      connection-table-capacity: 1024
                    services:
                      - protocol: tcp
                        vip: %s
                        port: 80
                        scheduler: rr
                        health-check: {type: http, path: /, interval: 0.2, timeout: 0.5, retries: 3}
                        servers:
                          - address: %s
                          - address: %s
                    """.formatted(directorLink, VIP, RS1, RS2));
            Path log = dir.resolve("jlvsd.log");
            String command = String.join(" ", java.toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", "'" + System.getProperty("java.class.path") + "'", Jlvsd.class.getName(),
                    "--config", config.toString(),
                    "--neighbour", RS1 + "=" + mac(lab, rs[0], rsLinks[0]),
                    "--neighbour", RS2 + "=" + mac(lab, rs[1], rsLinks[1]),
                    ">", log.toString(), "2>&1");
            Process jlvsd = lab.start(director, "sh", "-c", "exec " + command);
            await("jlvsd running and both servers up and answering", () -> {
                List<String> answers = requests(lab, client, 2);
                return Files.readString(log).contains("jlvsd: running") && answers.contains("rs1")
                        && answers.contains("rs2") && up(lab, director, RS1) == 1 && up(lab, director, RS2) == 1;
            }, log);

            web[0].destroy();
            assertTrue(web[0].waitFor(10, TimeUnit.SECONDS), "rs1's web server stops");
            long stoppedNs = System.nanoTime();
            await("rs1 down in /metrics", () -> up(lab, director, RS1) == 0 && weight(lab, director, RS1) == 0, log);
            long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            assertTrue(downMs < INTERVAL_MS * RETRIES + 2_000, "rs1 went down " + downMs + " ms after it stopped");
            System.out.println("rs1 quiesced " + downMs + " ms after its web server stopped (interval x retries = "
                    + INTERVAL_MS * RETRIES + " ms)");
            assertTrue(Files.readString(log).contains("rs1 " + RS1 + ":80 of TCP " + VIP + ":80: down after 3"
                    + " failures"), Files.readString(log));
            assertEquals(List.of("rs2", "rs2", "rs2", "rs2"), requests(lab, client, 4), "new connections go to rs2");

            web[0] = lab.start(rs[0], jwebserver.toString(), "-b", "0.0.0.0", "-p", "80", "-d", roots[0].toString());
            await("rs1 up again", () -> up(lab, director, RS1) == 1 && weight(lab, director, RS1) == 1, log);
            List<String> answers = requests(lab, client, 4);
            assertTrue(answers.contains("rs1") && answers.contains("rs2"), "rr uses both again: " + answers);
            assertTrue(Files.readString(log).contains("rs1 " + RS1 + ":80 of TCP " + VIP + ":80: up after 1 success"));

            jlvsd.destroy();
            assertTrue(jlvsd.waitFor(10, TimeUnit.SECONDS), "jlvsd stops on SIGTERM");
        }
    }

    /** {@code count} requests to the VIP from the client, each answer's body (empty on failure). */
    private static List<String> requests(NetnsLab lab, String client, int count) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NetnsLab.Result r = lab.exec(client, "curl", "-s", "--max-time", "2", "http://" + VIP + "/");
            answers.add(r.exitCode() == 0 ? r.output().strip() : "");
        }
        return answers;
    }

    private static double up(NetnsLab lab, String director, String server) throws IOException {
        return gauge(lab, director, "jlvs_server_up", server);
    }

    private static double weight(NetnsLab lab, String director, String server) throws IOException {
        return gauge(lab, director, "jlvs_server_weight", server);
    }

    /** A server's gauge from jlvsd's /metrics on the director's loopback, or -1 while unreachable. */
    private static double gauge(NetnsLab lab, String director, String family, String server) throws IOException {
        NetnsLab.Result r = lab.exec(director, "curl", "-s", "--max-time", "2", "http://127.0.0.1:9180/metrics");
        if (r.exitCode() != 0) {
            return -1;
        }
        TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
                new ByteArrayInputStream(r.output().getBytes(StandardCharsets.UTF_8)));
        MetricFamily f;
        while ((f = parser.parse()) != null) {
            if (f.getName().equals(family)) {
                for (Metric m : f.getMetrics()) {
                    if ((server + ":80").equals(m.getLabels().get("server"))) {
                        return ((Gauge) m).getValue();
                    }
                }
            }
        }
        return -1;
    }

    /** A check that may throw. */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void await(String what, Condition condition, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": not within " + WAIT_MS + " ms; jlvsd log:\n"
                + (Files.exists(log) ? Files.readString(log) : "(none)"));
    }

    /** Links {@code namespace} to the bridge with a veth pair and gives its end {@code cidr}. */
    private static String link(NetnsLab lab, String namespace, String suffix, String lan, String bridge, String cidr) {
        VethPair pair = lab.veth(suffix, namespace, suffix + "b", lan);
        lab.attach(lan, pair.b(), bridge);
        lab.address(namespace, pair.a(), cidr);
        return pair.a();
    }

    private static String mac(NetnsLab lab, String namespace, String link) {
        Matcher m = MAC.matcher(lab.run(namespace, "ip", "-o", "link", "show", "dev", link));
        assertTrue(m.find(), "no MAC for " + link);
        return m.group(1);
    }
}
