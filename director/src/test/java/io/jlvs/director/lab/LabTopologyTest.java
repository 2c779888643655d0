package io.jlvs.director.lab;

import static io.jlvs.director.lab.Scripts.lab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.testkit.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jlvs lab} end to end: each topology comes up, routes the client to every real server
 * through the router (DR, TUN) or the director (NAT), and goes away without a trace; the TUN lab
 * also carries a hand-built IPIP packet from the director through the router to a real server,
 * whose decapsulator hands it to the kernel, which answers the client directly.
 *
 * <p>Uses this run's own namespaces ({@link Scripts#PREFIX}: {@code t1x2y3-client}...), so a lab
 * that is up on this machine is left alone. The labs come up with
 * {@code --no-jlvsd}: these tests check the topology itself; {@link LabForwardingTest} checks
 * it with jlvsd forwarding.
 */
@Privileged
class LabTopologyTest {
    private static final Path RUN = Scripts.RUN;
    private static final String VIP = "192.168.188.100";

    @BeforeEach
    void noLabUp() {
        Scripts.assumeLab("lab test", "curl", "curl");
    }

    @AfterEach
    void labDown() {
        Scripts.labDownIfUp();
    }

    private Scripts.Result labUp(String... args) {
        List<String> command = new ArrayList<>(List.of("up"));
        command.addAll(Arrays.asList(args));
        command.add("--no-jlvsd");
        Scripts.Result up = lab(command.toArray(String[]::new));
        assertEquals(0, up.exitCode(), up::toString);
        return up;
    }

    private List<Long> recordedPids() throws IOException {
        return Files.readAllLines(RUN.resolve("pids")).stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
    }

    private static String backend() {
        return Scripts.installed("nginx") ? "nginx" : "builtin";
    }

    /** Curls every real server's RIP from the client, expecting each to answer with its own name. */
    private void clientReachesEachRealServer(String... rips) {
        for (int i = 0; i < rips.length; i++) {
            Scripts.Result curl = lab("exec", "client", "--", "curl", "-s", "--max-time", "3", "http://" + rips[i] + "/");
            assertEquals(0, curl.exitCode(), curl::toString);
            assertEquals("rs" + (i + 1) + "\n", curl.output(), "answer of " + rips[i]);
        }
    }

    /** Brings the lab down and checks that no namespace, recorded process or run directory is left. */
    private void downLeavesNothing(List<Long> pids) {
        Scripts.Result down = lab("down");
        assertEquals(0, down.exitCode(), down::toString);
        assertTrue(down.output().contains("namespaces and processes removed"), down::toString);
        assertEquals(List.of(), Scripts.labNamespaces());
        for (long pid : pids) {
            assertFalse(Scripts.isLive(pid), "process " + pid + " still runs");
        }
        assertFalse(Files.exists(RUN), "lab/run removed");
    }

    private void serviceFileLoads() throws Exception {
        new ServiceFileLoader().load(RUN.resolve("director.yaml"));
    }

    @Test
    void drLabRoutesTheClientToEachRealServerThroughTheRouter() throws Exception {
        Scripts.Result up = labUp("dr", "--backend", backend());
        assertTrue(up.output().contains("[router] eth1 192.168.10.200 | eth0 192.168.188.200"), up::toString);
        Scripts.Result status = lab("status");
        assertEquals(0, status.exitCode(), status::toString);
        for (String expected : List.of("[client] eth0 192.168.10.6", "[director] eth0 192.168.188.8 = DIP",
                "lo:1 192.168.188.100/32 = VIP", "[rs1] eth0 192.168.188.81", "[rs2] eth0 192.168.188.82",
                "jlvsd: not started (--no-jlvsd)", backend().equals("nginx") ? "nginx (pid" : "httpd (pid")) {
            assertTrue(status.output().contains(expected), () -> "status lacks '" + expected + "':\n" + status.output());
        }
        assertEquals(List.of(Scripts.ns("client"), Scripts.ns("director"), Scripts.ns("router"), Scripts.ns("rs1"), Scripts.ns("rs2"), Scripts.ns("switch")),
                Scripts.labNamespaces());
        clientReachesEachRealServer("192.168.188.81", "192.168.188.82");
        Scripts.Result check = lab("exec", "rs2", "--", "bash", Scripts.REALSERVER.toString(), "check", "--vip", VIP,
                "--mode", "dr");
        assertEquals(0, check.exitCode(), check::toString);
        Scripts.Result route = lab("exec", "client", "--", "ip", "route", "get", "192.168.188.81");
        assertTrue(route.output().contains("via 192.168.10.200"), route::toString);
        serviceFileLoads();
        downLeavesNothing(recordedPids());
    }

    @Test
    void natLabServesHttpAndRedisFromEachRealServer() throws Exception {
        labUp("nat", "--backend", backend());
        Scripts.Result status = lab("status");
        assertTrue(status.output().contains("[director] eth1 192.168.10.100 = VIP"), status::toString);
        assertTrue(status.output().contains("eth0 192.168.188.81 = DIP"), status::toString);
        clientReachesEachRealServer("192.168.188.82", "192.168.188.83");
        if (Scripts.installed("redis-server") && Scripts.installed("redis-cli")) {
            for (int i = 1; i <= 2; i++) {
                Scripts.Result get = lab("exec", "client", "--", "redis-cli", "-h", "192.168.188.8" + (i + 1), "GET", "host");
                assertEquals("rs" + i, get.output().strip(), get::toString);
            }
            assertTrue(Files.readString(RUN.resolve("director.yaml")).contains("port: 6379"));
        }
        Scripts.Result router = lab("exec", "router", "--", "true");
        assertEquals(2, router.exitCode(), router::toString);
        assertTrue(router.output().contains("the nat lab has no host 'router'"), router::toString);
        serviceFileLoads();
        downLeavesNothing(recordedPids());
    }

    @Test
    void tunLabCarriesIpipThroughTheRouterAndTheRealServerAnswersTheClientDirectly() throws Exception {
        Scripts.assumeInstalled("TUN lab test", "tcpdump", "tcpdump");
        labUp("tun", "--backend", "builtin");
        Scripts.Result status = lab("status");
        assertTrue(status.output().contains("[router] eth1 192.168.10.200 | eth0 192.168.188.200 | eth2 192.168.200.200"),
                status::toString);
        assertTrue(status.output().contains("decap (pid"), status::toString);
        clientReachesEachRealServer("192.168.200.81", "192.168.200.82");
        Scripts.Result check = lab("exec", "rs1", "--", "bash", Scripts.REALSERVER.toString(), "check", "--vip", VIP,
                "--mode", "tun");
        assertEquals(0, check.exitCode(), check::toString);

        byte[] inner = new PacketBuilder().source("192.168.10.6").destination(VIP).tcp(40001, 80)
                .tcpFlags(TcpFlyweight.SYN).sequence(1000, 0).build();
        byte[] frame = new PacketBuilder()
                .sourceMac(mac("director", "eth0")).destinationMac(mac("router", "eth0"))
                .source("192.168.188.8").destination("192.168.200.81").dontFragment(false)
                .raw(4).payload(Arrays.copyOfRange(inner, 14, inner.length)).build();

        try (Capture synAck = Capture.start(Scripts.ns("client"), "eth0", 10,
                     "src host " + VIP + " and tcp src port 80 and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)");
             Capture unreachable = Capture.start(Scripts.ns("director"), "eth0", 4, "icmp[icmptype] == icmp-unreach")) {
            Scripts.Result send = Scripts.inNamespace(Scripts.ns("director"), Map.of(),
                    System.getProperty("java.home") + "/bin/java", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), FrameSender.class.getName(), "eth0",
                    HexFormat.of().formatHex(frame));
            assertEquals(0, send.exitCode(), send::toString);
            String answer = synAck.firstPacket();
            assertTrue(answer.contains(VIP + ".80 > 192.168.10.6.40001") && answer.contains("ack 1001"),
                    () -> "expected rs1's SYN-ACK from the VIP to the client, captured: '" + answer + "'");
            String icmp = unreachable.firstPacket();
            assertEquals("", icmp, "the kernel's ICMP protocol-unreachable is kept from the director");
        }
        List<Long> pids = recordedPids();
        downLeavesNothing(pids);
    }

    @Test
    void upTwiceSaysALabIsUpAndExitsOne() {
        labUp("dr", "--servers", "1", "--backend", backend());
        Scripts.Result again = lab("up", "nat");
        assertEquals(1, again.exitCode(), again::toString);
        assertTrue(again.output().contains("a dr lab is up already"), again::toString);
        assertTrue(again.output().contains("jlvs lab down"), again::toString);
        assertEquals(List.of(Scripts.ns("client"), Scripts.ns("director"), Scripts.ns("router"), Scripts.ns("rs1"), Scripts.ns("switch")), Scripts.labNamespaces(),
                "the running lab is untouched");
        clientReachesEachRealServer("192.168.188.81");
    }

    @Test
    void downWithNothingUpSaysSoAndExitsZero() {
        Scripts.Result down = lab("down");
        assertEquals(0, down.exitCode(), down::toString);
        assertTrue(down.output().contains("no lab is up"), down::toString);
        Scripts.Result status = lab("status");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.output().contains("no lab is up"), status::toString);
    }

    @Test
    void downCleansALabWhoseStateFileIsGone() throws Exception {
        labUp("dr", "--backend", backend());
        List<Long> pids = recordedPids();
        Files.delete(RUN.resolve("state"));
        Scripts.Result status = lab("status");
        assertEquals(1, status.exitCode(), status::toString);
        // The hint names this run's prefix when it is not the default, so that it can be pasted.
        String prefix = Scripts.PREFIX.equals("jlvs-") ? "" : "JLVS_LAB_PREFIX=" + Scripts.PREFIX + " ";
        assertTrue(status.output().contains("run '" + prefix + "jlvs lab down'"), status::toString);
        Scripts.Result up = lab("up", "dr");
        assertEquals(1, up.exitCode(), up::toString);
        assertTrue(up.output().contains("namespaces of an earlier lab remain"), up::toString);
        downLeavesNothing(pids);
    }

    @Test
    void upRefusesBadArgumentsBeforeBuildingAnything() {
        Scripts.Result servers = lab("up", "dr", "--servers", "9");
        assertEquals(2, servers.exitCode(), servers::toString);
        assertTrue(servers.output().contains("--servers must be 1..8"), servers::toString);
        Scripts.Result scheduler = lab("up", "dr", "--scheduler", "fastest");
        assertEquals(2, scheduler.exitCode(), scheduler::toString);
        assertTrue(scheduler.output().contains("--scheduler must be one of"), scheduler::toString);
        assertEquals(List.of(), Scripts.labNamespaces());
    }

    private long mac(String host, String link) {
        Scripts.Result r = Scripts.inNamespace(Scripts.ns(host), Map.of(), "cat", "/sys/class/net/" + link + "/address");
        assertEquals(0, r.exitCode(), r::toString);
        return Long.parseLong(r.output().strip().replace(":", ""), 16);
    }
}
