package io.jlvs.director.lab;

import static io.jlvs.director.lab.Scripts.jlvsdLog;
import static io.jlvs.director.lab.Scripts.lab;
import static io.jlvs.director.lab.Scripts.readQuietly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.xdp.XdpFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lab with jlvsd forwarding, end to end, for DR, NAT and TUN: {@code lab up} starts jlvsd in
 * the director's namespace; 20 curl requests from the client alternate rs1/rs2 under rr and split
 * 15:5 under wrr 3:1; the director's kernel sends no RST for the VIP (captured on its client-side
 * interface, outgoing) although the VIP is configured there, and ping to the VIP works; wrk runs
 * 10 s with keep-alive and 10 s with {@code Connection: close} without a socket error or
 * timeout, in every mode with two workers and with one; in NAT, redis answers with
 * each real server's own value in turn. Captures (pcap files read back field by field) prove the
 * rewrites: DR keeps the client's packet as sent but for the TTL and the destination MAC (rs1's);
 * NAT delivers client → RIP to rs1 and the client sees replies only from VIP:80; TUN wraps the
 * client's packet, unchanged but for the TTL, in IPIP from the DIP to rs1. In DR and TUN no reply
 * from VIP:80 reaches or leaves the director. An idle DR director uses under 0.5 s of CPU in 10 s
 * (utime + stime in /proc). Also: SIGTERM
 * removes jlvsd's nftables table, a SIGKILL leaves it and the next start removes it; a VIP
 * not configured on the director gets its ARP answers from jlvsd; and
 * {@code bin/jlvs demo} prints ten alternating answers and leaves nothing behind, also when
 * interrupted as by Ctrl-C.
 *
 * <p>Uses this run's own namespaces ({@link Scripts#PREFIX}), so a lab that is up is left alone; needs root, curl,
 * nft, tcpdump and wrk, and skips naming what is missing.
 */
@Privileged
class LabForwardingTest {
    private static final Path RUN = Scripts.RUN;
    private static final int REQUESTS = 20;

    private final Map<String, String> env = Scripts.LAB_ENV;

    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab forwarding test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab forwarding test", "curl", "curl", "nft", "nftables", "tcpdump", "tcpdump",
                "wrk", "wrk");
    }

    @AfterEach
    void labDown() {
        Scripts.labDownIfUp();
    }

    @ParameterizedTest
    @ValueSource(strings = {"af_xdp", "af_packet"})
    void drWithTwoWorkersAndOneForwardsInTurnAndByWeightWithoutKernelResetsAndIdlesCheaply(String io)
            throws Exception {
        forwardsThroughJlvsd("dr", "192.168.188.100", "eth0", 2, io);
    }

    @ParameterizedTest
    @ValueSource(strings = {"af_xdp", "af_packet"})
    void natWithTwoWorkersAndOneForwardsInTurnAndByWeightWithoutKernelResetsAndRedisAnswersFromEachServer(String io)
            throws Exception {
        // Two workers in the rr half (a NAT connection's client packets and its replies may land on
        // different workers), one in the wrr half, as in every mode.
        forwardsThroughJlvsd("nat", "192.168.10.100", "eth1", 2, io);
    }

    @ParameterizedTest
    @ValueSource(strings = {"af_xdp", "af_packet"})
    void tunWithTwoWorkersAndOneForwardsInTurnAndByWeightWithoutKernelResets(String io) throws Exception {
        forwardsThroughJlvsd("tun", "192.168.188.100", "eth0", 2, io);
    }

    private void forwardsThroughJlvsd(String mode, String vip, String clientSide, int workers, String io)
            throws Exception {
        if (io.equals("af_xdp")) {
            String reason = XdpFilter.unavailabilityReason();
            assumeTrue(reason == null, () -> "AF_XDP half skipped: this kernel cannot run jlvs's XDP program: " + reason);
        }
        labUp(mode, "--scheduler", "rr", "--workers", Integer.toString(workers), "--io", io);
        assertTrue(readQuietly(RUN.resolve("director-jlvsd.log")).contains("jlvsd: io " + io + " ("),
                Scripts::jlvsdLog);
        String url = "http://" + vip + "/";
        String directorMac = Scripts.mac(Scripts.ns("director"), "eth0");
        // DR and TUN: the real servers' replies (from VIP:80) must not reach or leave the director.
        try (Capture resets = Capture.start(Scripts.ns("director"), clientSide, 26,
                "src host " + vip + " and tcp[tcpflags] & tcp-rst != 0", "-Q", "out");
                Capture replies = mode.equals("nat") ? null : Capture.start(Scripts.ns("director"), "eth0", 26,
                        "tcp and src host " + vip + " and src port 80 and (ether src " + directorMac + " or ether dst "
                                + directorMac + ")")) {
            List<String> answers;
            try (PcapCapture atClient = PcapCapture.start(Scripts.ns("client"), "eth0", "tcp and host " + vip + " and port 80");
                    PcapCapture atRs1 = PcapCapture.start(Scripts.ns("rs1"), "eth0",
                            mode.equals("tun") ? "ip proto 4" : "tcp and dst port 80")) {
                answers = curl(url);
                List<PcapCapture.Frame> received = atRs1.stop();
                assertRewrites(mode, vip, directorMac, atClient.stop(), received);
            }
            for (int i = 1; i < answers.size(); i++) {
                assertNotEquals(answers.get(i - 1), answers.get(i), "rr alternates: " + answers);
            }
            assertEquals(List.of("rs1", "rs2"), answers.stream().distinct().sorted().toList(), answers::toString);

            Scripts.Result ping = lab("exec", "client", "--", "ping", "-c", "2", "-i", "0.2", "-W", "1", vip);
            assertEquals(0, ping.exitCode(), () -> "ping to the VIP: " + ping);

            if (mode.equals("nat") && Scripts.installed("redis-server") && Scripts.installed("redis-cli")) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Scripts.Result get = lab("exec", "client", "--", "redis-cli", "-h", vip, "GET", "host");
                    assertEquals(0, get.exitCode(), get::toString);
                    values.add(get.output().strip());
                }
                assertEquals(List.of("rs1", "rs2"), values.stream().distinct().sorted().toList(), values::toString);
                assertNotEquals(values.get(0), values.get(1), values::toString);
                assertEquals(values.subList(0, 2), values.subList(2, 4), values::toString);
            }

            wrkWithoutErrors(url, false);
            wrkWithoutErrors(url, true);
            assertEquals("", resets.firstPacket(), "the director's kernel sent a RST for the VIP");
            if (replies != null) {
                assertEquals("", replies.firstPacket(), "a real server's reply passed the director");
            }
        }
        if (mode.equals("dr")) {
            double cpuSeconds = idleCpuSeconds(jlvsdPid(), 10);
            System.out.printf("jlvsd idle CPU over 10 s: %.3f s%n", cpuSeconds);
            assertTrue(cpuSeconds < 0.5,
                    () -> "an idle jlvsd used " + cpuSeconds + " s of CPU in 10 s (5 % of a core is 0.5 s)");
        }
        if (io.equals("af_packet")) {
            String rules = Scripts.inNamespace(Scripts.ns("director"), Map.of(), "nft", "list", "table", "netdev", "jlvs")
                    .output();
            Matcher dropped = Pattern.compile("counter packets (\\d+) .*service TCP " + Pattern.quote(vip) + ":80")
                    .matcher(rules);
            assertTrue(dropped.find() && Long.parseLong(dropped.group(1)) > 0,
                    () -> "the guard kept the client's packets from the director's kernel:\n" + rules);
        } else {
            // The XDP program takes the service's frames from the kernel: no guard table, a program on the link.
            assertFalse(tableExists(), "no nftables guard with AF_XDP");
            String link = Scripts.inNamespace(Scripts.ns("director"), Map.of(), "ip", "-d", "link", "show", "dev", clientSide)
                    .output();
            assertTrue(link.contains("prog/xdp"), link);
        }
        assertEquals(0, lab("down").exitCode());

        labUp(mode, "--scheduler", "wrr", "--weights", "3,1", "--io", io);
        List<String> weighted = curl(url);
        assertEquals(15, weighted.stream().filter("rs1"::equals).count(), () -> "wrr 3:1: " + weighted);
        assertEquals(5, weighted.stream().filter("rs2"::equals).count(), () -> "wrr 3:1: " + weighted);
        // wrk through one worker (the lab's default); the rr half above ran two.
        wrkWithoutErrors(url, false);
        wrkWithoutErrors(url, true);
        assertEquals(0, lab("down").exitCode());
        assertEquals(List.of(), Scripts.labNamespaces());
    }

    /**
     * Checks field by field, in the frames captured on the client's and rs1's eth0 while the curl
     * requests ran, that the director rewrote what the mode rewrites and nothing else. Addresses
     * and TTLs are the lab's (docs/lab.md): the client's kernel sends with TTL 64, and in DR and
     * TUN the router and the director each take one off.
     */
    private static void assertRewrites(String mode, String vip, String directorMac, List<PcapCapture.Frame> atClient,
            List<PcapCapture.Frame> atRs1) {
        int ip = PcapCapture.Frame.IP;
        String client = mode.equals("nat") ? "192.168.10.200" : "192.168.10.6";
        String rs1 = switch (mode) {
            case "nat" -> "192.168.188.82";
            case "dr" -> "192.168.188.81";
            default -> "192.168.200.81";
        };
        assertFalse(atRs1.isEmpty(),
                mode + ": rs1 received none of the requests (" + atClient.size() + " frames at the client)");
        Set<List<Byte>> sent = atClient.stream().filter(f -> f.dst(ip).equals(vip))
                .map(f -> f.withoutTtlAndChecksums(ip)).collect(Collectors.toSet());
        for (PcapCapture.Frame f : atRs1) {
            String what = mode + " request at rs1: " + describe(f);
            switch (mode) {
                case "dr" -> {
                    assertEquals(Scripts.mac(Scripts.ns("rs1"), "eth0"), f.dstMac(), what);
                    assertEquals(directorMac, f.srcMac(), what);
                    assertEquals(client, f.src(ip), what);
                    assertEquals(vip, f.dst(ip), what);
                    assertEquals(80, f.dstPort(ip), what);
                    assertEquals(62, f.ttl(ip), what);
                    assertTrue(sent.contains(f.withoutTtlAndChecksums(ip)), () -> what + ": not as the client sent it");
                }
                case "nat" -> {
                    assertEquals(directorMac, f.srcMac(), what);
                    assertEquals(client, f.src(ip), what);
                    assertEquals(rs1, f.dst(ip), what);
                    assertEquals(80, f.dstPort(ip), what);
                }
                default -> {
                    int inner = f.inner();
                    assertEquals(4, f.protocol(ip), what);
                    assertEquals("192.168.188.8", f.src(ip), what);
                    assertEquals(rs1, f.dst(ip), what);
                    assertEquals(client, f.src(inner), what);
                    assertEquals(vip, f.dst(inner), what);
                    assertEquals(80, f.dstPort(inner), what);
                    assertEquals(62, f.ttl(inner), what);
                    assertTrue(sent.contains(f.withoutTtlAndChecksums(inner)), () -> what + ": inner packet changed");
                }
            }
        }
        if (mode.equals("nat")) {
            List<PcapCapture.Frame> replies = atClient.stream().filter(f -> f.srcPort(ip) == 80).toList();
            assertTrue(replies.size() >= REQUESTS, () -> "nat: " + replies.size() + " replies at the client");
            for (PcapCapture.Frame f : replies) {
                assertEquals(vip, f.src(ip), () -> "nat reply at the client: " + describe(f));
                assertEquals(client, f.dst(ip), () -> "nat reply at the client: " + describe(f));
            }
        }
    }

    private static String describe(PcapCapture.Frame f) {
        int ip = PcapCapture.Frame.IP;
        return f.srcMac() + " > " + f.dstMac() + ", " + f.src(ip) + " > " + f.dst(ip) + " proto " + f.protocol(ip)
                + " ttl " + f.ttl(ip);
    }

    /** The CPU time (user + system, from /proc/PID/stat) that {@code pid} uses in the next {@code seconds}. */
    private static double idleCpuSeconds(long pid, int seconds) throws Exception {
        long ticksPerSecond = Long.parseLong(Scripts.run(Map.of(), List.of("getconf", "CLK_TCK")).output().strip());
        long before = cpuTicks(pid);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        return (cpuTicks(pid) - before) / (double) ticksPerSecond;
    }

    /** utime + stime of {@code pid} in clock ticks: fields 14 and 15 of /proc/PID/stat (proc(5)). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    @Test
    void sigtermRemovesTheNftTableAndTheNextStartRemovesOneLeftBySigkill() throws Exception {
        labUp("dr", "--io", "af_packet");
        long pid = jlvsdPid();
        List<String> command = Arrays.asList(Files.readString(Path.of("/proc/" + pid + "/cmdline"),
                StandardCharsets.UTF_8).split("\0"));
        assertTrue(tableExists(), "jlvsd installed its table");
        assertEquals(0, new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor());
        awaitGone(pid);
        assertTrue(tableExists(), "a SIGKILL leaves the table behind");

        Path log = Files.createTempFile("jlvsd", ".log");
        List<String> restart = new ArrayList<>(List.of("ip", "netns", "exec", Scripts.ns("director")));
        restart.addAll(command);
        Process jlvsd = new ProcessBuilder(restart).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains("jlvsd: running") && jlvsd.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String text = Files.readString(log);
            assertTrue(text.contains("jlvsd: running"), text);
            assertTrue(text.contains("removing stale nftables table netdev jlvs"), text);
            assertEquals(List.of("rs1", "rs2"), curl("http://192.168.188.100/").stream().distinct().sorted().toList());
            jlvsd.destroy();
            assertTrue(jlvsd.waitFor(10, TimeUnit.SECONDS), "jlvsd stops on SIGTERM");
            assertFalse(tableExists(), () -> "SIGTERM removes the table:\n" + readQuietly(log));
        } finally {
            jlvsd.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void vipNotConfiguredOnTheDirectorIsAnsweredByJlvsdArp() throws Exception {
        labUp("dr", "--no-jlvsd");
        Scripts.Result del = Scripts.inNamespace(Scripts.ns("director"), Map.of(), "ip", "addr", "del", "192.168.188.100/32",
                "dev", "lo");
        assertEquals(0, del.exitCode(), del::toString);
        Path log = Files.createTempFile("jlvsd", ".log");
        Process jlvsd = new ProcessBuilder("ip", "netns", "exec", Scripts.ns("director"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.jlvs.director.Jlvsd",
                "--config", RUN.resolve("director.yaml").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(log).contains("jlvsd: running") && jlvsd.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String started = Files.readString(log);
            assertTrue(started.contains("answering ARP for 192.168.188.100 on eth0 (not configured in the kernel)"),
                    started);
            // The router forgets the VIP's MAC, so it must ask, and only jlvsd can answer.
            assertEquals(0, Scripts.inNamespace(Scripts.ns("router"), Map.of(), "ip", "neigh", "flush", "all").exitCode());
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Scripts.Result r = lab("exec", "client", "--", "curl", "-s", "--max-time", "3", "http://192.168.188.100/");
                assertEquals(0, r.exitCode(), () -> r + "\n" + readQuietly(log));
                answers.add(r.output().strip());
            }
            assertNotEquals(answers.get(0), answers.get(1), answers::toString);
            String directorMac = Scripts.mac(Scripts.ns("director"), "eth0");
            String neighbour = Scripts.inNamespace(Scripts.ns("router"), Map.of(), "ip", "neigh", "show", "192.168.188.100")
                    .output();
            assertTrue(neighbour.contains("lladdr " + directorMac), neighbour);
            jlvsd.destroy();
            assertTrue(jlvsd.waitFor(10, TimeUnit.SECONDS), "jlvsd stops on SIGTERM");
            Matcher replied = Pattern.compile("replied (\\d+)").matcher(Files.readString(log));
            assertTrue(replied.find() && Long.parseLong(replied.group(1)) >= 1, () -> readQuietly(log));
        } finally {
            jlvsd.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void demoPrintsTenAlternatingAnswersAndLeavesNothingBehind() {
        Scripts.Result demo = Scripts.run(env, List.of("bash", Scripts.ROOT.resolve("bin/jlvs").toString(), "demo"));
        assertEquals(0, demo.exitCode(), demo::toString);
        List<String> answers = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^request +\\d+: answered by (rs\\d)$").matcher(demo.output());
        while (m.find()) {
            answers.add(m.group(1));
        }
        assertEquals(10, answers.size(), demo::toString);
        for (int i = 1; i < answers.size(); i++) {
            assertNotEquals(answers.get(i - 1), answers.get(i), demo::toString);
        }
        assertTrue(demo.output().contains("Prot LocalAddress:Port Scheduler Flags"), demo::toString);
        Matcher pid = Pattern.compile("jlvsd pid (\\d+)").matcher(demo.output());
        assertTrue(pid.find(), demo::toString);
        assertFalse(Scripts.isLive(Long.parseLong(pid.group(1))), "jlvsd " + pid.group(1) + " still runs");
        assertEquals(List.of(), Scripts.labNamespaces());
        assertFalse(Scripts.run(Map.of(), List.of("nft", "list", "tables")).output().contains(" jlvs\n"),
                "no jlvs nftables table in the root namespace");
        assertFalse(Files.exists(RUN), "lab/run removed");
    }

    @Test
    void demoInterruptedLikeCtrlCLeavesNothingBehind() throws Exception {
        Path output = Files.createTempFile("jlvs-demo", ".out");
        // setsid: the demo leads a process group of its own, which gets SIGINT as a terminal's Ctrl-C would send it.
        // env --default-signal: as in a terminal, SIGINT starts at its default even when this test runs in a
        // background job (which ignores it, and bash cannot trap a signal ignored on entry).
        ProcessBuilder builder = new ProcessBuilder("setsid", "env", "--default-signal=INT", "bash",
                Scripts.ROOT.resolve("bin/jlvs").toString(), "demo")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process demo = builder.start();
        try {
            // Ctrl-C while lab up waits for the jlvsd it started: the demo's requests take
            // milliseconds, so this is where a person's Ctrl-C lands, with the lab half up.
            Path pids = RUN.resolve("pids");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!(Files.exists(pids) && readQuietly(pids).contains(" director-jlvsd")) && demo.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            List<Long> started = readQuietly(pids).lines().filter(l -> l.split(" ").length == 3)
                    .map(l -> Long.parseLong(l.split(" ")[1])).toList();
            assertTrue(readQuietly(pids).contains(" director-jlvsd"), () -> readQuietly(output));
            assertEquals(0, new ProcessBuilder("kill", "-INT", "--", "-" + demo.pid()).start().waitFor());
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo ends after Ctrl-C");
            String text = Files.readString(output);
            assertEquals(130, demo.exitValue(), text);
            assertTrue(text.contains("jlvs demo: interrupted") && text.contains("namespaces and processes removed"), text);
            assertFalse(text.contains("request  1:"), () -> "interrupted during lab up:\n" + text);
            for (long pid : started) {
                assertFalse(Scripts.isLive(pid), "process " + pid + " the lab started still runs");
            }
            assertEquals(List.of(), Scripts.labNamespaces());
            assertFalse(Files.exists(RUN), "lab/run removed");
        } finally {
            demo.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    private void labUp(String... args) {
        List<String> command = new ArrayList<>(List.of("up"));
        command.addAll(Arrays.asList(args));
        Scripts.Result up = lab(command.toArray(String[]::new));
        assertEquals(0, up.exitCode(), up::toString);
        assertTrue(command.contains("--no-jlvsd") || up.output().contains("runs: jlvsd (pid"), up::toString);
    }

    /** {@value #REQUESTS} curl requests to {@code url} from the client; each must succeed. */
    private List<String> curl(String url) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Scripts.Result r = lab("exec", "client", "--", "curl", "-s", "--max-time", "3", url);
            assertEquals(0, r.exitCode(), () -> "request " + answers.size() + ": " + r + "\n" + jlvsdLog());
            answers.add(r.output().strip());
        }
        return answers;
    }

    /** wrk for 10 s with 8 connections: requests made, and no socket error, timeout or non-2xx answer. */
    private void wrkWithoutErrors(String url, boolean close) {
        List<String> command = new ArrayList<>(List.of("exec", "client", "--", "wrk", "-t", "1", "-c", "8", "-d", "10s",
                "--timeout", "2s"));
        if (close) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add(url);
        Scripts.Result wrk = lab(command.toArray(String[]::new));
        String what = (close ? "wrk Connection: close" : "wrk keep-alive") + ": " + wrk;
        assertEquals(0, wrk.exitCode(), what);
        assertTrue(Pattern.compile("\\d+ requests in").matcher(wrk.output()).find(), what);
        assertFalse(wrk.output().contains("Socket errors"), what);
        assertFalse(wrk.output().contains("Non-2xx"), what);
    }

    private static long jlvsdPid() throws IOException {
        return Scripts.labPid("director-jlvsd");
    }

    private static boolean tableExists() {
        return Scripts.inNamespace(Scripts.ns("director"), Map.of(), "nft", "list", "tables", "netdev").output()
                .contains("table netdev jlvs");
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Scripts.isLive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Scripts.isLive(pid), "process " + pid + " ended");
    }
}
