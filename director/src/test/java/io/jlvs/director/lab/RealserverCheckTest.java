package io.jlvs.director.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jlvs realserver up|down|check} in a throwaway namespace: a real server with one
 * interface ({@code eth0}-like, 10.77.0.2/24, default route via 10.77.0.1). Each check test
 * starts from a correct set-up, breaks one setting and expects exactly that one reported, with
 * the command that fixes it.
 */
@Privileged
class RealserverCheckTest {
    private static final String VIP = "192.168.188.100";
    private static final String DECAP = "jlvs-decap0";

    @TempDir
    Path state;

    private NetnsLab lab;
    private String ns;
    private String eth;

    @BeforeEach
    void realServerNamespace() {
        NetnsLab.assumeNetnsAvailable();
        lab = NetnsLab.create();
        ns = lab.namespace("rs");
        NetnsLab.VethPair link = lab.veth("e", ns, "p", ns);
        eth = link.a();
        lab.address(ns, eth, "10.77.0.2/24");
        lab.route(ns, "default", "via", "10.77.0.1");
    }

    @AfterEach
    void removeNamespace() {
        if (lab != null) {
            lab.close();
        }
    }

    private Scripts.Result realserver(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = Scripts.REALSERVER.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return Scripts.inNamespace(ns, Map.of("JLVS_REALSERVER_STATE", state.toString()), command);
    }

    private void upDr() {
        Scripts.Result up = realserver("up", "--vip", VIP, "--mode", "dr");
        assertEquals(0, up.exitCode(), up::toString);
        assertEquals(0, realserver("check", "--vip", VIP, "--mode", "dr").exitCode());
    }

    private void upTunOnDecapDevice() {
        lab.run(ns, "ip", "tuntap", "add", "dev", DECAP, "mode", "tun");
        Scripts.Result up = realserver("up", "--vip", VIP, "--mode", "tun");
        assertEquals(0, up.exitCode(), up::toString);
        assertEquals(0, realserver("check", "--vip", VIP, "--mode", "tun").exitCode());
    }

    private void sysctl(String device, String key, int value) {
        lab.sysctl(ns, "net.ipv4.conf." + device + "." + key, Integer.toString(value));
    }

    private static List<String> wrongLines(Scripts.Result check) {
        return check.output().lines().filter(l -> l.startsWith("WRONG:")).toList();
    }

    /** Asserts that check exits 1 with one WRONG line containing {@code problem} and a fix line containing {@code fix}. */
    private void assertOnlyProblem(String mode, String problem, String fix) {
        Scripts.Result check = realserver("check", "--vip", VIP, "--mode", mode);
        assertEquals(1, check.exitCode(), check::toString);
        List<String> wrong = wrongLines(check);
        assertEquals(1, wrong.size(), check::toString);
        assertTrue(wrong.getFirst().contains(problem), check::toString);
        assertTrue(check.output().contains("fix: " + fix), check::toString);
    }

    @Test
    void checkFlagsMissingVip() {
        upDr();
        lab.run(ns, "ip", "addr", "del", VIP + "/32", "dev", "lo");
        assertOnlyProblem("dr", "VIP " + VIP + " is not on lo", "ip addr add " + VIP + "/32 dev lo");
    }

    @Test
    void checkFlagsArpIgnoreNotOne() {
        upDr();
        sysctl("all", "arp_ignore", 0);
        sysctl(eth, "arp_ignore", 0);
        assertOnlyProblem("dr", "arp_ignore on " + eth + " is 0", "sysctl -w net.ipv4.conf.all.arp_ignore=1");
    }

    @Test
    void checkFlagsArpIgnoreAboveOneOnTheInterface() {
        upDr();
        sysctl(eth, "arp_ignore", 2);
        assertOnlyProblem("dr", "arp_ignore on " + eth + " is 2", "sysctl -w net.ipv4.conf." + eth + ".arp_ignore=1");
    }

    @Test
    void checkFlagsArpAnnounceNotTwo() {
        upDr();
        sysctl("all", "arp_announce", 1);
        sysctl(eth, "arp_announce", 0);
        assertOnlyProblem("dr", "arp_announce on " + eth + " is 1", "sysctl -w net.ipv4.conf.all.arp_announce=2");
    }

    @Test
    void checkFlagsStrictRpFilterOnTheReceivingInterface() {
        upDr();
        sysctl("all", "rp_filter", 0);
        sysctl(eth, "rp_filter", 1);
        assertOnlyProblem("dr", "rp_filter on " + eth + " is strict", "sysctl -w net.ipv4.conf.all.rp_filter=2");
    }

    @Test
    void checkFlagsStrictRpFilterFromAllSinceTheKernelTakesTheMaximum() {
        upDr();
        sysctl("all", "rp_filter", 1);
        sysctl(eth, "rp_filter", 0);
        assertOnlyProblem("dr", "rp_filter on " + eth + " is strict", "sysctl -w net.ipv4.conf.all.rp_filter=2");
    }

    @Test
    void checkFlagsDecapDeviceDown() {
        upTunOnDecapDevice();
        lab.run(ns, "ip", "link", "set", DECAP, "down");
        assertOnlyProblem("tun", "tunnel device " + DECAP + " is down", "ip link set " + DECAP + " up");
    }

    @Test
    void checkFlagsMissingTunnelDevice() {
        Scripts.Result check = realserver("check", "--vip", VIP, "--mode", "tun");
        assertEquals(1, check.exitCode(), check::toString);
        assertTrue(check.output().contains("WRONG: tunnel device tunl0 is missing"), check::toString);
        assertTrue(check.output().contains("jlvs decap --interface " + eth + " --device " + DECAP), check::toString);
    }

    @Test
    void checkFlagsStrictRpFilterOnTheTunnelDevice() {
        upTunOnDecapDevice();
        sysctl(DECAP, "rp_filter", 1);
        assertEquals(0, realserver("check", "--vip", VIP, "--mode", "tun").exitCode(),
                "all=2 keeps the effective value loose: the kernel takes max(all, device)");
        sysctl("all", "rp_filter", 0);
        assertOnlyProblem("tun", "rp_filter on " + DECAP + " is strict",
                "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf." + DECAP + ".rp_filter=2");
    }

    @Test
    void upTunWithoutAnyTunnelDeviceSaysToStartDecap() {
        Scripts.Result up = realserver("up", "--vip", VIP, "--mode", "tun");
        assertEquals(1, up.exitCode(), up::toString);
        assertTrue(up.output().contains("jlvs decap --interface " + eth), up::toString);
    }

    @Test
    void upIsIdempotentAndDownRestoresEverySetting() {
        String before = settings();
        Scripts.Result initial = realserver("check", "--vip", VIP, "--mode", "dr");
        assertEquals(1, initial.exitCode(), initial::toString);

        upDr();
        Scripts.Result again = realserver("up", "--vip", VIP, "--mode", "dr");
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(1, lab.run(ns, "ip", "-4", "-o", "addr", "show", "dev", "lo").lines()
                .filter(l -> l.contains(" " + VIP + "/32 ")).count(), "the VIP once on lo after two ups");

        Scripts.Result down = realserver("down", "--vip", VIP, "--mode", "dr");
        assertEquals(0, down.exitCode(), down::toString);
        assertEquals(before, settings());
        assertFalse(lab.run(ns, "ip", "-4", "addr", "show", "dev", "lo").contains(VIP));
        assertEquals(1, realserver("check", "--vip", VIP, "--mode", "dr").exitCode());
    }

    @Test
    void downRevertsTunSetUpOnTheDecapDevice() {
        lab.run(ns, "ip", "tuntap", "add", "dev", DECAP, "mode", "tun");
        String before = settings() + sysctls(DECAP);
        Scripts.Result up = realserver("up", "--vip", VIP, "--mode", "tun");
        assertEquals(0, up.exitCode(), up::toString);
        assertTrue(lab.run(ns, "ip", "-4", "addr", "show", "dev", DECAP).contains(VIP + "/32"));
        Scripts.Result down = realserver("down", "--vip", VIP, "--mode", "tun");
        assertEquals(0, down.exitCode(), down::toString);
        assertEquals(before, settings() + sysctls(DECAP));
        assertFalse(lab.run(ns, "ip", "-4", "addr", "show", "dev", DECAP).contains(VIP));
    }

    private String settings() {
        return sysctls("all") + sysctls("lo") + sysctls(eth);
    }

    private String sysctls(String device) {
        StringBuilder values = new StringBuilder();
        for (String key : List.of("arp_ignore", "arp_announce", "rp_filter")) {
            values.append(device).append('.').append(key).append('=')
                    .append(lab.run(ns, "cat", "/proc/sys/net/ipv4/conf/" + device + "/" + key).strip()).append(' ');
        }
        return values.toString();
    }

    @Test
    void rejectsAnAddressThatIsNotIpv4() {
        Scripts.Result check = realserver("check", "--vip", "192.168.188.300", "--mode", "dr");
        assertEquals(2, check.exitCode(), check::toString);
        assertTrue(check.output().contains("--vip must be an IPv4 address"), check::toString);
    }
}
