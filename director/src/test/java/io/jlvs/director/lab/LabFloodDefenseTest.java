package io.jlvs.director.lab;

import static io.jlvs.director.lab.Scripts.jlvsdLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.xdp.XdpFilter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The table's defence in the DR lab: jlvsd with its 65 536-entry table and
 * {@code defense: {drop-entry: 1}}, wrk holding 8 keep-alive connections through the VIP, and
 * for 15 s (after a 3 s warm-up flood) the router floods the VIP with 64-byte SYNs from 65 536
 * source addresses (a million flows) as fast as one core sends them. Meanwhile new clients
 * (curl, six at a time, one connection each, 7 s to be answered: time for the SYN and two
 * retransmissions) come from the client's own address. The established connections are neither
 * refused nor reset, and no request takes longer than wrk's 2 s either (the flood's SYNs wait in
 * a ring of their own, read after the established flows' frames: see the note at the
 * assertion), on both backends; new clients are served (the share is printed, not asserted: it is a matter of the
 * machine's load, see the note at the assertion), the defence evicted the flood's embryonic
 * entries, and jlvsd's resident memory stays within 10 % of what it was before the flood.
 *
 * <p>Uses this run's own namespaces ({@link Scripts#PREFIX}), so a lab that is up is left alone; needs root, curl and wrk.
 */
@Privileged
class LabFloodDefenseTest {
    private static final String VIP = "192.168.188.100";
    private static final int FLOOD_SECONDS = 15;
    private static final int WARM_UP_SECONDS = 3;
    private static final int WRK_SECONDS = FLOOD_SECONDS + WARM_UP_SECONDS + 12;
    private static final long FLOOD_ON_FRAMES = 200_000;
    /** New clients at a time during the flood, and the most connections they try in all. */
    private static final int CLIENTS = 6;
    private static final int MAX_TRIES = 400;
    private static final Pattern WRK_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    
    private static final String NEW_FLOW_RING_FULL = "reason=\"new_flow_ring_full\"";

    private final Scripts.Started started = new Scripts.Started();

    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab flood-defence test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab flood-defence test", "curl", "curl", "wrk", "wrk");
    }

    @AfterEach
    void labDown() throws InterruptedException {
        started.close();
        Scripts.labDownIfUp();
    }

    @ParameterizedTest
    @ValueSource(strings = {"af_xdp", "af_packet"})
    void aSynFloodFromManySourcesLeavesEstablishedConnectionsAloneAndNewClientsServed(String io) throws Exception {
        if (io.equals("af_xdp")) {
            String reason = XdpFilter.unavailabilityReason();
            assumeTrue(reason == null, () -> "AF_XDP half skipped: this kernel cannot run jlvs's XDP program: " + reason);
        }
        Scripts.Result up = Scripts.lab("up", "dr", "--servers", "2", "--io", io);
        assertEquals(0, up.exitCode(), up::toString);
        long jlvsd = Scripts.labPid("director-jlvsd");
        Path file = Scripts.RUN.resolve("director.yaml");
        String yaml = Files.readString(file);
        assertTrue(yaml.contains("  connection-table-capacity: 65536\n"), yaml);
        Files.writeString(file, yaml.replace("  connection-table-capacity: 65536\n",
                "  connection-table-capacity: 65536\n  defense: {drop-entry: 1}\n"));
        Scripts.Result hup = Scripts.run(Map.of(), List.of("kill", "-HUP", Long.toString(jlvsd)));
        assertEquals(0, hup.exitCode(), hup::toString);
        for (int attempt = 0; attempt < 50 && Scripts.metric("jlvs_defense_mode", "sysctl=\"drop_entry\"") != 1; attempt++) {
            Thread.sleep(100);
        }
        assertEquals(1, Scripts.metric("jlvs_defense_mode", "sysctl=\"drop_entry\""), "drop_entry 1 after the reload" + jlvsdLog());
        assertTrue(curl(), "the VIP answers before the flood" + jlvsdLog());

        Path wrkOut = Files.createTempFile("jlvs-flood-wrk", ".out");
        Process wrk = started.start(wrkOut, List.of("ip", "netns", "exec", Scripts.ns("client"), "wrk", "-t1", "-c8",
                "-d" + WRK_SECONDS + "s", "--timeout", "2s", "http://" + VIP + "/"));
        Thread.sleep(2000); // wrk's connections established before the flood
        // A short flood first, as the benchmark warms up: the code paths of a flood compiled
        // before the memory is read, so that what is compared is what the flood holds.
        Path warmOut = Files.createTempFile("jlvs-flood-warm", ".out");
        Process warm = started.start(warmOut, floodCommand(WARM_UP_SECONDS));
        assertTrue(warm.waitFor(WARM_UP_SECONDS + 30, TimeUnit.SECONDS), "the warm-up flood ends");
        assertEquals(0, warm.exitValue(), () -> Scripts.readQuietly(warmOut));
        long rssBefore = Scripts.rssKb(jlvsd);
        long evictedBefore = Scripts.metric("jlvs_defense_evicted_total", "");
        long fullBefore = Scripts.metric("jlvs_worker_frames_by_reason_total", "reason=\"table_full\"");
        long ringBefore = Scripts.metric("jlvs_io_drops_total", "");
        long newFlowFullBefore = Scripts.metric("jlvs_io_drops_total", NEW_FLOW_RING_FULL);

        Path floodOut = Files.createTempFile("jlvs-flood", ".out");
        long receivedBefore = Scripts.metric("jlvs_io_frames_received_total", "");
        Process flood = started.start(floodOut, floodCommand(FLOOD_SECONDS));
        // The flood's JVM builds a million frames first (longer on a busy machine): new clients
        // are counted once it is on. The wait ends with the flood, which is bounded in time.
        for (int attempt = 0; attempt < 6000 && flood.isAlive()
                && Scripts.metric("jlvs_io_frames_received_total", "") - receivedBefore < FLOOD_ON_FRAMES; attempt++) {
            Thread.sleep(50);
        }
        long reached = Scripts.metric("jlvs_io_frames_received_total", "") - receivedBefore;
        assertTrue(reached >= FLOOD_ON_FRAMES, () -> "the flood reached jlvsd: " + reached + " frames while it ran\n"
                + Scripts.readQuietly(floodOut));
        AtomicInteger triesCount = new AtomicInteger();
        AtomicInteger servedCount = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(Thread.ofPlatform().name("new-client-" + c).start(() -> {
                while (flood.isAlive() && triesCount.incrementAndGet() <= MAX_TRIES) {
                    if (curl()) {
                        servedCount.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        int tries = Math.min(triesCount.get(), MAX_TRIES);
        int served = servedCount.get();
        assertTrue(flood.waitFor(FLOOD_SECONDS + 30, TimeUnit.SECONDS), "the flood ends");
        String floodReport = Files.readString(floodOut, StandardCharsets.UTF_8);
        assertEquals(0, flood.exitValue(), floodReport);
        assertTrue(wrk.waitFor(WRK_SECONDS + 30, TimeUnit.SECONDS), "wrk ends");
        String wrkReport = Files.readString(wrkOut, StandardCharsets.UTF_8);
        long rssAfter = Scripts.rssKb(jlvsd);
        long evicted = Scripts.metric("jlvs_defense_evicted_total", "") - evictedBefore;
        long full = Scripts.metric("jlvs_worker_frames_by_reason_total", "reason=\"table_full\"") - fullBefore;
        long ring = Scripts.metric("jlvs_io_drops_total", "") - ringBefore;
        long newFlowFull = Scripts.metric("jlvs_io_drops_total", NEW_FLOW_RING_FULL) - newFlowFullBefore;
        double share = tries == 0 ? 0 : (double) served / tries;

        System.out.printf("lab flood defence (%s): %s; new clients served %d of %d (%.0f %%) during the flood;"
                        + " %d embryonic entries evicted, %d SYNs refused as table_full, %d frames lost in the rings"
                        + " (%d of them SYNs shed in the new-flow ring); jlvsd RSS %d -> %d kB; wrk: %s%n",
                io, floodReport.strip(), served, tries, 100 * share, evicted, full, ring, newFlowFull, rssBefore, rssAfter,
                wrkReport.lines()
                        .filter(l -> l.contains("requests in") || l.contains("Latency") || l.contains("Socket errors"))
                        .map(String::strip).toList());
        assertEquals(0, wrk.exitValue(), wrkReport);
        Matcher errors = WRK_ERRORS.matcher(wrkReport);
        if (errors.find()) {
            assertEquals("0 0 0", errors.group(1) + " " + errors.group(2) + " " + errors.group(3),
                    "connect, read and write errors of the established connections:\n" + wrkReport);
            // The flood's SYNs go to the new-flow ring, read after the first ring, so the
            // established connections' segments are never lost behind the flood: no request waits
            // for a retransmission, none takes wrk's 2 s.
            assertEquals("0", errors.group(4), "requests of the established connections slower than 2 s:\n"
                    + wrkReport + jlvsdLog());
        }
        assertFalse(wrkReport.contains("Non-2xx"), wrkReport);
        assertTrue(tries >= 6, "new clients tried during the flood: " + tries);
        // Without the defence none is served: the table stays full of the flood's SYN_RECV
        // entries, which live 60 s, for the whole 15 s. With it new clients are served, some
        // after a SYN retransmitted because the first was lost in the receive ring: the defence
        // forwards the flood's SYNs to the real servers, as IPVS would, and on veth sending a
        // frame runs the receiving server's TCP stack on the sender's thread, so jlvsd's worker
        // keeps up with a part of the flood only. How large a part depends on what else the
        // machine runs (81 % of new clients served on an idle 2-core machine, 20 % on a busy
        // one with curl's 3 s), so the share is reported, as the reliability issue asks, and
        // the test asserts that the door is open, not how wide.
        assertTrue(served > 0, "new clients served during the flood: " + served + " of " + tries + jlvsdLog());
        assertTrue(evicted > 65_536, "the flood's embryonic entries were evicted: " + evicted);
        assertTrue(rssAfter <= rssBefore * 1.10, "jlvsd's RSS " + rssBefore + " -> " + rssAfter + " kB");
    }

    /** The flood, from the router into the director's LAN interface, as fast as one core sends. */
    private static List<String> floodCommand(int seconds) {
        Scripts.Result mac = Scripts.inNamespace(Scripts.ns("director"), Map.of(), "cat", "/sys/class/net/eth0/address");
        assertEquals(0, mac.exitCode(), mac::toString);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Scripts.ns("router")));
        command.addAll(Scripts.javaCommand(64, "io.jlvs.director.JlvsTool", "flood", "--interface", "eth0",
                "--dst-mac", mac.output().strip(), "--src", "10.200.0.0", "--sources", "65536", "--flows", "1000000",
                "--dst", VIP, "--seconds", Integer.toString(seconds)));
        return command;
    }

    /** One new connection from the client through the VIP: whether it was answered within 7 s. */
    private static boolean curl() {
        return Scripts.inNamespace(Scripts.ns("client"), Map.of(), "curl", "-s", "-o", "/dev/null", "--max-time", "7",
                "http://" + VIP + "/").exitCode() == 0;
    }
}
