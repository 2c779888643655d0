package io.jlvs.dataplane.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

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

    @Test
    void refusesLinkNamesLongerThanTheKernelAllows() {
        try (NetnsLab lab = NetnsLab.create()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lab.linkName("much-too-long"));
            assertTrue(e.getMessage().contains("longer than 15"), e.getMessage());
        }
    }
}
