package io.jlvs.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.netns.NetnsLab.VethPair;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.director.control.ControlRequest;
import io.jlvs.director.control.ControlResponse;
import io.jlvs.director.control.Jlvsadm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jlvsd end to end in network namespaces: a client, a director running {@code jlvsd} and two
 * real servers ({@code jwebserver} from the JDK, each serving its own name, the VIP on
 * {@code lo} with {@code arp_ignore=1}, {@code arp_announce=2}) share one bridged LAN. The
 * client reaches the VIP through a static ARP entry for the director's MAC (no VIP on the
 * director, so its kernel does not answer; IP forwarding stays off there), jlvsd forwards by
 * DR with a static neighbour map, and four curl requests alternate rs1/rs2 under rr.
 * Needs root, iproute2 and curl; skipped with the reason otherwise.
 */
@Privileged
class JlvsdNetnsTest {
    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");
    private static final String VIP = "10.200.0.100";
    private static final long START_TIMEOUT_MS = 30_000;

    @Test
    void curlThroughJlvsdAlternatesBetweenTwoDirectRoutingServers(@TempDir Path dir) throws Exception {
        Path jwebserver = assumeJlvsdLab();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (NetnsLab lab = NetnsLab.create()) {
            String lan = lab.namespace("lan");
            String bridge = lab.bridge("br", lan);
            String client = lab.namespace("cl");
            String director = lab.namespace("dir");
            String rs1 = lab.namespace("rs1");
            String rs2 = lab.namespace("rs2");
            String clientLink = join(lab, client, "c", lan, bridge, "10.200.0.10/24");
            String directorLink = join(lab, director, "d", lan, bridge, "10.200.0.1/24");
            String rs1Link = join(lab, rs1, "r", lan, bridge, "10.200.0.81/24");
            String rs2Link = join(lab, rs2, "s", lan, bridge, "10.200.0.82/24");
            for (String rs : List.of(rs1, rs2)) {
                lab.run(rs, "ip", "addr", "add", VIP + "/32", "dev", "lo");
                lab.sysctl(rs, "net.ipv4.conf.all.arp_ignore", "1");
                lab.sysctl(rs, "net.ipv4.conf.all.arp_announce", "2");
            }
            lab.run(client, "ip", "neigh", "add", VIP, "lladdr", mac(lab, director, directorLink), "dev", clientLink,
                    "nud", "permanent");
            for (String[] rs : new String[][] {{rs1, "rs1"}, {rs2, "rs2"}}) {
                Path root = Files.createDirectories(dir.resolve(rs[1]));
                Files.writeString(root.resolve("index.html"), rs[1] + "\n");
                lab.start(rs[0], jwebserver.toString(), "-b", "0.0.0.0", "-p", "80", "-d", root.toString());
            }
            Path config = dir.resolve("services.yaml");
            Files.writeString(config, """
                    global:
                      interfaces: [%s]
                      workers: 1
                      connection-table-capacity: 1024
                      control-socket: %s
                    services:
                      - protocol: tcp
                        vip: %s
                        port: 80
                        scheduler: rr
                        servers:
                          - address: 10.200.0.81
                          - address: 10.200.0.82
                    """.formatted(directorLink, dir.resolve("jlvsd.sock"), VIP));
            Path log = dir.resolve("jlvsd.log");
            String command = String.join(" ", java.toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", "'" + System.getProperty("java.class.path") + "'", Jlvsd.class.getName(),
                    "--config", config.toString(),
                    "--neighbour", "10.200.0.81=" + mac(lab, rs1, rs1Link),
                    "--neighbour", "10.200.0.82=" + mac(lab, rs2, rs2Link),
                    ">", log.toString(), "2>&1");
            assertEquals("0", lab.run(director, "cat", "/proc/sys/net/ipv4/ip_forward").strip(),
                    "the director's kernel forwards nothing itself");
            Path notifySocket = dir.resolve("notify");
            try (SystemdNotifyTest.Listener systemd = new SystemdNotifyTest.Listener(notifySocket.toString())) {
                Process jlvsd = lab.start(director, "sh", "-c", "NOTIFY_SOCKET=" + notifySocket + " exec " + command);
                awaitLog(log, "jlvsd: running");
                // Sent right after the line the log already has; the bound only ends a broken run.
                String ready = systemd.next(1200);
                assertTrue(ready != null && ready.startsWith("READY=1\nSTATUS=running 1 worker on "),
                        "systemd is told jlvsd is ready once it runs: " + ready);
                runningDirectorForwards(lab, client, dir, config, log, jlvsd);
                String stopping = systemd.poll();
                assertTrue(stopping != null && stopping.startsWith("STOPPING=1"), "and that it stops: " + stopping);
            }
        }
    }

    /** Four requests through the VIP alternate rs1/rs2; jlvsadm drives it; it stops on SIGTERM with its counts. */
    private static void runningDirectorForwards(NetnsLab lab, String client, Path dir, Path config, Path log,
            Process jlvsd) throws Exception {
        awaitServer(lab, client, "http://10.200.0.81/", "rs1");
        awaitServer(lab, client, "http://10.200.0.82/", "rs2");

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            NetnsLab.Result r = lab.exec(client, "curl", "-s", "--max-time", "5", "http://" + VIP + "/");
            assertEquals(0, r.exitCode(), "curl " + i + ": " + r.output() + "\njlvsd log:\n" + Files.readString(log));
            answers.add(r.output().strip());
        }
        assertTrue(List.of("rs1", "rs2").contains(answers.get(0)), answers.toString());
        assertNotEquals(answers.get(0), answers.get(1), "rr alternates: " + answers);
        assertEquals(answers.subList(0, 2), answers.subList(2, 4), "rr alternates: " + answers);

        controlSocketDrivesTheRunningDirector(lab, client, dir.resolve("jlvsd.sock"), config, log, jlvsd);

        jlvsd.destroy();
        assertTrue(jlvsd.waitFor(10, TimeUnit.SECONDS), "jlvsd stops on SIGTERM");
        String text = Files.readString(log);
        Matcher stopped = Pattern.compile("jlvsd: stopped; frames read (\\d+), forwarded (\\d+), replied (\\d+),"
                + " passed (\\d+), dropped (\\d+); lost in the rings (\\d+)").matcher(text);
        assertTrue(stopped.find(), text);
        long[] n = new long[6];
        for (int i = 0; i < n.length; i++) {
            n[i] = Long.parseLong(stopped.group(i + 1));
        }
        assertTrue(n[1] >= 4 * 3, "SYN, ACK, request at least per request\n" + text);
        assertEquals(n[0], n[1] + n[2] + n[3] + n[4], "every frame read has one verdict\n" + text);
        assertEquals(0, n[5], "no frame lost in the rings\n" + text);
    }

    /**
     * jlvsadm against the running jlvsd: the listing shows the service and the four connections
     * made, a weight set to 0 with {@code -e} sends new connections to the other server, and a
     * reload on SIGHUP applies the file's weights.
     */
    private static void controlSocketDrivesTheRunningDirector(NetnsLab lab, String client, Path socket, Path config,
                                                            Path log, Process jlvsd) throws Exception {
        String list = adm(socket, "-Ln");
        assertTrue(list.contains("TCP  " + VIP + ":80 rr\n"), list);
        assertTrue(list.contains(server("10.200.0.81:80", 1)), list);
        String stats = adm(socket, "-Ln", "--stats", "--exact");
        assertTrue(stats.contains("%-33s%9d".formatted("TCP  " + VIP + ":80", 4)), stats);
        assertTrue(adm(socket, "-Lnc").contains(VIP + ":80"), "connection entries");

        adm(socket, "-e", "-t", VIP + ":80", "-r", "10.200.0.81", "-g", "-w", "0");
        for (int i = 0; i < 2; i++) {
            NetnsLab.Result r = lab.exec(client, "curl", "-s", "--max-time", "5", "http://" + VIP + "/");
            assertEquals("rs2", r.output().strip(), "rs1 has weight 0");
        }

        Files.writeString(config, Files.readString(config).replace("- address: 10.200.0.82",
                "- {address: 10.200.0.82, weight: 7}"));
        lab.run(null, "kill", "-HUP", Long.toString(jlvsd.pid()));
        try {
            awaitLog(log, "jlvsd: reloaded");
        } catch (AssertionError e) {
            // A reload that never reports: SIGQUIT makes the JVM print its threads to the log.
            lab.run(null, "kill", "-QUIT", Long.toString(jlvsd.pid()));
            Thread.sleep(1_000);
            throw new AssertionError("no reload within " + START_TIMEOUT_MS + " ms of SIGHUP; jlvsd log and threads:\n"
                    + Files.readString(log), e);
        }
        String reloaded = adm(socket, "-Ln");
        assertTrue(reloaded.contains(server("10.200.0.81:80", 1)), reloaded);
        assertTrue(reloaded.contains(server("10.200.0.82:80", 7)), reloaded);
    }

    /** The start of a {@code -Ln} server row (§4.2: {@code "  -> %-28s %-7s %-6d"}), DR. */
    private static String server(String endpoint, int weight) {
        return "  -> %-28s %-7s %-6d ".formatted(endpoint, "Route", weight);
    }

    private static String adm(Path socket, String... args) throws IOException {
        ControlResponse r = Jlvsadm.call(socket, new ControlRequest(List.of(args), ""));
        assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.stderr());
        return r.stdout();
    }

    /** Links {@code namespace} to the bridge with a veth pair and gives its end {@code cidr}. */
    static String join(NetnsLab lab, String namespace, String suffix, String lan, String bridge, String cidr) {
        VethPair pair = lab.veth(suffix, namespace, suffix + "b", lan);
        lab.attach(lan, pair.b(), bridge);
        lab.address(namespace, pair.a(), cidr);
        return pair.a();
    }

    static String mac(NetnsLab lab, String namespace, String link) {
        String text = lab.run(namespace, "ip", "-o", "link", "show", "dev", link);
        Matcher m = MAC.matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    /**
     * Skips the calling test, saying why, unless namespaces, packet sockets, curl and the JDK's
     * {@code jwebserver} (the real servers) are all there.
     *
     * @return the {@code jwebserver} executable
     */
    static Path assumeJlvsdLab() {
        NetnsLab.assumeNetnsAvailable();
        assumeTrue(AfPacket.isAvailable(), () -> "skipped: AF_PACKET sockets unavailable: "
                + AfPacket.unavailabilityCause());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "skipped: curl is not installed");
        Path jwebserver = Path.of(System.getProperty("java.home"), "bin", "jwebserver");
        assumeTrue(Files.isExecutable(jwebserver), "skipped: the JDK has no jwebserver");
        return jwebserver;
    }

    static void awaitLog(Path log, String line) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("jlvsd did not start:\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    private static void awaitServer(NetnsLab lab, String client, String url, String body) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            NetnsLab.Result r = lab.exec(client, "curl", "-s", "--max-time", "2", url);
            if (r.exitCode() == 0 && r.output().strip().equals(body)) {
                return;
            }
            last = r.output();
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not answer " + body + ": " + last);
    }
}
