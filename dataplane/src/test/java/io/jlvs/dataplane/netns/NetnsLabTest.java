package io.jlvs.dataplane.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.testkit.Privileged;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The namespace harness builds topologies and always cleans up, even when a test forgets to. */
@Privileged
class NetnsLabTest {
    @Test
    void buildsATopologyAndRemovesEverythingOnClose() {
        NetnsLab.assumeNetnsAvailable();
        NetnsLab lab = NetnsLab.create();
        String ns;
        NetnsLab.VethPair pair;
        Process sleeper;
        try {
            ns = lab.namespace("rs");
            assertTrue(ns.startsWith("jlvst-" + ProcessHandle.current().pid() + "-"), ns);
            pair = lab.veth("d", null, "r", ns);
            String bridge = lab.bridge("br", ns);
            String port = lab.veth("p", ns, "q", ns).a();
            lab.attach(ns, port, bridge);
            lab.address(ns, pair.b(), "10.200.7.2/24");
            lab.route(ns, "default", "via", "10.200.7.1");
            lab.sysctl(ns, "net.ipv4.ip_forward", "1");
            sleeper = lab.start(ns, "sleep", "60");

            assertTrue(lab.run(null, "ip", "link", "show", pair.a()).contains(pair.a()));
            assertTrue(lab.run(ns, "ip", "addr", "show", pair.b()).contains("10.200.7.2/24"));
            assertTrue(lab.run(ns, "ip", "route").contains("default via 10.200.7.1"));
            assertTrue(lab.run(ns, "ip", "link", "show", port).contains("master " + bridge));
            assertEquals("1", lab.run(ns, "cat", "/proc/sys/net/ipv4/ip_forward").strip());
            assertTrue(lab.run(null, "ip", "netns", "pids", ns).lines().toList()
                    .contains(Long.toString(sleeper.pid())), "sleep runs inside " + ns);
            assertTrue(sleeper.isAlive());
        } finally {
            lab.close();
        }
        lab.close();

        assertFalse(sleeper.isAlive(), "the lab's process was ended");
        assertFalse(lab.exec(null, "ip", "netns", "list").output().contains(ns), "namespace deleted");
        assertNotEquals(0, lab.exec(null, "ip", "link", "show", pair.a()).exitCode(), "root end of the veth deleted");
        assertTrue(lab.namespaces().isEmpty());
    }

    @Test
    void execReportsExitCodeAndOutputAndRunFailsWithThem() {
        NetnsLab.assumeNetnsAvailable();
        try (NetnsLab lab = NetnsLab.create()) {
            String ns = lab.namespace("x");
            NetnsLab.Result result = lab.exec(ns, "sh", "-c", "echo hello; exit 3");
            assertEquals(new NetnsLab.Result(3, "hello\n"), result);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> lab.run(ns, "sh", "-c", "echo broken; exit 4"));
            assertTrue(e.getMessage().contains("exited 4: broken"), e.getMessage());
            assertEquals(List.of(ns), lab.namespaces());
        }
    }

    /** Builds a lab and exits without closing it; the shutdown hook must clean up. */
    static final class AbandonedLab {
        public static void main(String[] args) {
            NetnsLab lab = NetnsLab.create();
            String ns = lab.namespace("left");
            NetnsLab.VethPair pair = lab.veth("l", null, "m", ns);
            System.out.println(ns + " " + pair.a());
            System.exit(0);
        }
    }

    @Test
    void shutdownHookCleansUpALabThatWasNeverClosed() throws Exception {
        NetnsLab.assumeNetnsAvailable();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AbandonedLab.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes()).strip();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, child.exitValue(), output);
        String[] created = output.lines().reduce((first, last) -> last).orElse("").split(" ");
        assertEquals(2, created.length, "child printed its namespace and link: " + output);

        try (NetnsLab lab = NetnsLab.create()) {
            assertFalse(lab.exec(null, "ip", "netns", "list").output().contains(created[0]), "namespace removed");
            assertNotEquals(0, lab.exec(null, "ip", "link", "show", created[1]).exitCode(), "veth removed");
        }
    }

    @Test
    void refusesLinkNamesLongerThanTheKernelAllows() {
        try (NetnsLab lab = NetnsLab.create()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lab.linkName("much-too-long"));
            assertTrue(e.getMessage().contains("longer than 15"), e.getMessage());
        }
    }
}
