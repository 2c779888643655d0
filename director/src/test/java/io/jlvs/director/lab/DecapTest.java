package io.jlvs.director.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jlvs decap} as a process in a throwaway namespace: it creates its TUN device with the
 * VIP and its nftables table, and removes both when it gets SIGTERM. (Packets through it are
 * covered by {@link LabTopologyTest}'s TUN lab.)
 */
@Privileged
class DecapTest {
    private static final String DEVICE = "jlvs-decap0";

    @TempDir
    Path dir;

    @Test
    void setsUpItsDeviceAndNftTableAndRemovesBothOnSigterm() throws Exception {
        NetnsLab.assumeNetnsAvailable();
        assumeTrue(Scripts.installed("nft"), "decap test skipped: nft is not installed (apt-get install nftables)");
        try (NetnsLab lab = NetnsLab.create()) {
            String ns = lab.namespace("rs");
            NetnsLab.VethPair link = lab.veth("e", ns, "p", ns);
            lab.address(ns, link.a(), "10.78.0.2/24");
            Path log = dir.resolve("decap.log");
            Process decap = new ProcessBuilder("ip", "netns", "exec", ns,
                    System.getProperty("java.home") + "/bin/java", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "io.jlvs.director.JlvsTool", "decap",
                    "--interface", link.a(), "--vip", "192.168.188.100")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!Files.readString(log).contains("jlvs decap: IPIP to") && decap.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                String started = Files.readString(log);
                assertTrue(started.contains("jlvs decap: IPIP to 10.78.0.2 on " + link.a() + " -> " + DEVICE), started);
                String address = lab.run(ns, "ip", "-4", "-o", "addr", "show", "dev", DEVICE);
                assertTrue(address.contains("192.168.188.100/32"), address);
                assertTrue(lab.run(ns, "ip", "-o", "link", "show", DEVICE).contains(",UP"), "device up");
                String table = lab.run(ns, "nft", "list", "table", "ip", "jlvs_decap");
                assertTrue(table.contains("ip daddr 10.78.0.2 ip protocol ipencap drop"), table);

                decap.destroy();
                assertTrue(decap.waitFor(10, TimeUnit.SECONDS), "decap stops on SIGTERM");
            } finally {
                decap.destroyForcibly();
            }
            String stopped = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(stopped.contains("jlvs decap: stopped; decapsulated 0"), stopped);
            assertEquals(1, lab.exec(ns, "ip", "link", "show", DEVICE).exitCode(), "device removed");
            assertFalse(lab.run(ns, "nft", "list", "tables").contains("jlvs_decap"), "nft table removed");
        }
    }
}
