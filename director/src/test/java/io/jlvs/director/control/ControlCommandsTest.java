package io.jlvs.director.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.service.Destination;
import io.jlvs.dataplane.service.TrafficCounters;
import io.jlvs.dataplane.service.VirtualService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipvsadm commands run against a live service table: listings byte for byte as
 * IPVS-SEMANTICS §4.2 prints them, the kernel's refusals in ipvsadm's words, changes that
 * keep the Destination of a server that stays, -Z, --set, rates and reload.
 */
class ControlCommandsTest {
    private final ControlFixture fixture = new ControlFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private void ok(ControlResponse response) {
        assertEquals("", response.stderr());
        assertEquals(0, response.exitCode());
    }

    /** The §4.2 example configuration, given as the -Sn text of the section. */
    private void restoreExample() {
        ok(fixture.restore(ControlFixture.admResource("golden-save-numeric.txt")));
    }

    @Test
    void restoredExampleListsAsTheSectionShows() {
        restoreExample();
        VirtualService http = fixture.tcp("192.168.10.100", 80);
        ControlFixture.dest(http, "192.168.188.81", 80).setConns(1, 0);
        ControlFixture.dest(http, "192.168.188.82", 80).setConns(12, 3);
        VirtualService dns = fixture.services.services().stream()
                .filter(s -> s.key().toString().startsWith("UDP")).findFirst().orElseThrow();
        ControlFixture.dest(dns, "192.168.20.1", 53).setConns(0, 17);

        ControlResponse list = fixture.run("-Ln");
        ok(list);
        assertEquals(ControlFixture.admResource("golden-list-numeric.txt"), list.stdout());
        assertEquals(ControlFixture.admResource("golden-save-numeric.txt"), fixture.run("-Sn").stdout());
    }

    @Test
    void aThousandClearAndRestoreCyclesAllApplyAndListTheSame() {
        ok(fixture.run("-A -t 192.168.10.100:80 -s wrr"));
        ok(fixture.run("-a -t 192.168.10.100:80 -r 192.168.188.81:80 -m -w 3"));
        ok(fixture.run("-a -t 192.168.10.100:80 -r 192.168.188.82:80 -m -w 1"));
        ok(fixture.run("-A -u 192.168.10.100:53 -s rr"));
        ok(fixture.run("-a -u 192.168.10.100:53 -r 192.168.188.81:53 -m"));
        String saved = fixture.run("-Sn").stdout();
        String listing = fixture.run("-Ln").stdout();
        for (int cycle = 0; cycle < 1000; cycle++) {
            ok(fixture.run("-C"));
            ok(fixture.restore(saved));
            assertEquals(listing, fixture.run("-Ln").stdout(), "cycle " + cycle);
        }
    }

    @Test
    void statsListingSumsWorkerCounters() {
        ok(fixture.run("-A -t 192.168.10.100:80 -s wlc"));
        ok(fixture.run("-a -t 192.168.10.100:80 -r 192.168.188.81:80 -m -w 3"));
        ok(fixture.run("-a -t 192.168.10.100:80 -r 192.168.188.82:80 -m -w 1"));
        VirtualService http = fixture.tcp("192.168.10.100", 80);
        TrafficCounters worker0 = fixture.services.newCounters();
        TrafficCounters worker1 = fixture.services.newCounters();
        traffic(worker0, http, ControlFixture.dest(http, "192.168.188.81", 80), 480, 29871, 28711, 2011223,
                30445611);
        traffic(worker1, http, ControlFixture.dest(http, "192.168.188.82", 80), 1520, 98234, 91011, 7654321,
                123456789);

        ControlResponse stats = fixture.run("-Ln --stats");
        ok(stats);
        assertEquals(ControlFixture.admResource("golden-list-stats.txt"), stats.stdout());
    }

    /** Counts as a worker would: {@code conns} connections, packets whose lengths add up to the byte totals. */
    private void traffic(TrafficCounters worker, VirtualService service, Destination d, int conns, int inPkts,
                         int outPkts, long inBytes, long outBytes) {
        int destIndex = fixture.services.registry().indexOf(d);
        for (int i = 0; i < conns; i++) {
            worker.connection(service.index(), destIndex);
        }
        for (int i = 0; i < inPkts; i++) {
            worker.in(service.index(), destIndex, share(inBytes, inPkts, i));
        }
        for (int i = 0; i < outPkts; i++) {
            worker.out(service.index(), destIndex, share(outBytes, outPkts, i));
        }
    }

    private static int share(long total, int packets, int i) {
        long each = total / packets;
        return (int) (i == packets - 1 ? total - each * (packets - 1) : each);
    }

    @Test
    void realServerAddressesTheKernelRefusesAreRefusedAsIpvsadmShowsIt() {
        ok(fixture.run("-A -t 10.0.0.1:80"));
        for (String address : new String[] {"0.0.0.0", "224.0.0.1", "255.255.255.255"}) {
            ControlResponse r = fixture.run("-a -t 10.0.0.1:80 -r " + address + ":80 -m");
            assertEquals("Invalid argument\n", r.stderr(), address);
            assertEquals(ControlCommands.EXIT_REFUSED, r.exitCode(), address);
        }
        assertEquals("-A -t 10.0.0.1:80 -s wlc\n", fixture.run("-Sn").stdout(), "nothing added");
        ok(fixture.run("-a -t 10.0.0.1:80 -r 127.0.0.1:80"));
    }

    @Test
    void serverOnMissingServiceIsNotDefined() {
        ControlResponse r = fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2:80");
        assertEquals("Service not defined\n", r.stderr());
        assertEquals(ControlCommands.EXIT_REFUSED, r.exitCode());
        assertEquals("", fixture.run("-Sn").stdout());
    }

    @Test
    void kernelRefusalsUseIpvsadmWords() {
        ok(fixture.run("-A -t 10.0.0.1:80"));
        assertEquals("Service already exists\n", fixture.run("-A -t 10.0.0.1:80").stderr());
        assertEquals("No such service\n", fixture.run("-E -t 10.0.0.9:80").stderr());
        assertEquals("No such service\n", fixture.run("-D -t 10.0.0.9:80").stderr());
        ok(fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2"));
        assertEquals("Destination already exists\n", fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2").stderr());
        assertEquals("No such destination\n", fixture.run("-e -t 10.0.0.1:80 -r 10.0.0.3").stderr());
        assertEquals("No such destination\n", fixture.run("-d -t 10.0.0.1:80 -r 10.0.0.3").stderr());
        ControlResponse list = fixture.run("-Ln -t 10.0.0.9:80");
        assertEquals("No such service\n", list.stderr());
        assertEquals(2, list.exitCode());
    }

    @Test
    void parseErrorsKeepIpvsadmTextAndStatus() {
        ControlResponse r = fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2 -w 70000");
        assertEquals("illegal weight specified\n", r.stderr());
        assertEquals(2, r.exitCode());
    }

    @Test
    void unsupportedServiceIsRefusedAndNothingChanges() {
        ControlResponse r = fixture.run("-A --sctp-service 10.0.0.1:80");
        assertTrue(r.stderr().contains("SCTP services are not supported"), r.stderr());
        assertEquals(ControlCommands.EXIT_REFUSED, r.exitCode());
        assertTrue(fixture.services.services().isEmpty());
    }

    @Test
    void editKeepsTheDestinationAndItsCounters() {
        ok(fixture.run("-A -t 10.0.0.1:80 -s wrr"));
        ok(fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1"));
        ok(fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1"));
        VirtualService service = fixture.tcp("10.0.0.1", 80);
        Destination stays = ControlFixture.dest(service, "10.0.0.2", 80);
        stays.setConns(5, 2);
        TrafficCounters worker = fixture.services.newCounters();
        worker.connection(service.index(), fixture.services.registry().indexOf(stays));

        ok(fixture.run("-e -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 0"));
        ok(fixture.run("-d -t 10.0.0.1:80 -r 10.0.0.3:80"));

        VirtualService after = fixture.tcp("10.0.0.1", 80);
        assertSame(stays, ControlFixture.dest(after, "10.0.0.2", 80));
        assertEquals(0, stays.weight());
        assertEquals(5, stays.activeConns());
        assertEquals(1, fixture.services.destinationStats(stays).conns());
        assertEquals("-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 0\n",
                fixture.run("-Sn").stdout());
    }

    @Test
    void zeroClearsCountersButNotConnectionCounts() {
        ok(fixture.run("-A -t 10.0.0.1:80"));
        ok(fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m"));
        VirtualService service = fixture.tcp("10.0.0.1", 80);
        Destination d = ControlFixture.dest(service, "10.0.0.2", 80);
        d.setConns(3, 4);
        TrafficCounters worker = fixture.services.newCounters();
        traffic(worker, service, d, 7, 10, 0, 1000, 0);
        assertTrue(fixture.run("-Ln --stats --exact").stdout().contains(
                row("TCP  10.0.0.1:80", 7, 10, 0, 1000, 0)));

        ok(fixture.run("-Z"));
        worker.in(service.index(), fixture.services.registry().indexOf(d), 60);

        String stats = fixture.run("-Ln --stats").stdout();
        assertTrue(stats.contains(row("TCP  10.0.0.1:80", 0, 1, 0, 60, 0)),
                stats);
        assertTrue(fixture.run("-Ln").stdout().contains("  -> 10.0.0.2:80                  Masq    1      3          4"));
    }

    @Test
    void ratesAreAveragedOverTwoSecondSamples() {
        ok(fixture.run("-A -t 10.0.0.1:80"));
        ok(fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m"));
        VirtualService service = fixture.tcp("10.0.0.1", 80);
        Destination d = ControlFixture.dest(service, "10.0.0.2", 80);
        TrafficCounters worker = fixture.services.newCounters();
        fixture.commands.sampleRates();
        // 200 connections and 2000 packets of 100 bytes in one 2 s interval: 100 conn/s, 1000 pkt/s,
        // 100000 B/s. The first average is a quarter of that (§2.10: avg += (rate - avg) / 4).
        traffic(worker, service, d, 200, 2000, 0, 200_000, 0);
        fixture.commands.sampleRates();
        String rate = fixture.run("-Ln --rate").stdout();
        assertTrue(rate.contains(row("TCP  10.0.0.1:80", 25, 250, 0, 25000, 0)),
                rate);
        // The same again: 25 + (100 - 25) / 4 = 43.75, shown as 44; 250 + 750 / 4 = 437.5, shown as 437
        // because IPVS rounds with (avg + 0x1FF) >> 10, which takes an exact half down.
        traffic(worker, service, d, 200, 2000, 0, 200_000, 0);
        fixture.commands.sampleRates();
        rate = fixture.run("-Ln --rate").stdout();
        assertTrue(rate.contains(row("  -> 10.0.0.2:80", 44, 437, 0, 43750, 0)),
                rate);
    }

    @Test
    void thresholdsAndPersistentConnListingsShowLiveCounts() {
        ok(fixture.run("-A -t 10.0.0.1:80 -p 60"));
        ok(fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -x 100 -y 50"));
        Destination d = ControlFixture.dest(fixture.tcp("10.0.0.1", 80), "10.0.0.2", 80);
        d.setConns(7, 8);
        d.bindConn(true, false);
        // §4.2: rows "  -> %-28s %-10u %-10u %-10u %-10u" and "  -> %-28s %-9u %-11u %-10u %-10u".
        assertTrue(fixture.run("-Ln --thresholds").stdout().contains(
                "  -> %-28s %-10d %-10d %-10d %-10d%n".formatted("10.0.0.2:80", 100, 50, 7, 8)));
        assertTrue(fixture.run("-Ln --persistent-conn").stdout().contains(
                "  -> %-28s %-9d %-11d %-10d %-10d%n".formatted("10.0.0.2:80", 1, 1, 7, 8)));
    }

    @Test
    void setChangesTheTrackerTimeouts() {
        ok(fixture.run("--set 30 0 60"));
        assertEquals("Timeout (tcp tcpfin udp): 30 120 60\n", fixture.run("-L --timeout").stdout());
        assertEquals(30, fixture.commands.running().global().timeouts().tcpSeconds());
    }

    @Test
    void restoreStopsAtALineThatDoesNotParse() {
        ControlResponse r = fixture.restore("-A -t 10.0.0.1:80\n-a -t 10.0.0.9:80 -r 10.0.0.2\n"
                + "-A -t 10.0.0.2:80\n-A -t 10.0.0.3:80 -w x\n-A -t 10.0.0.4:80\n");
        assertTrue(r.stderr().startsWith("Service not defined\n"), r.stderr());
        assertEquals(2, r.exitCode());
        assertEquals("-A -t 10.0.0.1:80 -s wlc\n-A -t 10.0.0.2:80 -s wlc\n", fixture.run("-Sn").stdout());
    }

    @Test
    void saveYamlWritesTheRunningSet() {
        ok(fixture.run("-A -t 10.0.0.1:80 -s rr"));
        ok(fixture.run("-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 4"));
        ControlResponse yaml = fixture.run("--save-yaml");
        ok(yaml);
        assertTrue(yaml.stdout().contains("10.0.0.2"), yaml.stdout());
        assertTrue(yaml.stdout().contains("8080"), yaml.stdout());
    }

    @Test
    void reloadAppliesTheChangedFileAndRefusesABrokenOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, serviceFile(3, 1));
        try (ControlFixture live = new ControlFixture(file)) {
            ok(live.run("--reload"));
            VirtualService http = live.tcp("192.168.10.100", 80);
            Destination rs1 = ControlFixture.dest(http, "192.168.188.81", 80);
            assertTrue(live.run("-Ln").stdout().contains("  -> 192.168.188.81:80            Masq    3"));

            Files.writeString(file, serviceFile(5, 0));
            ControlResponse reload = live.run("--reload");
            ok(reload);
            String list = live.run("-Ln").stdout();
            assertTrue(list.contains("  -> 192.168.188.81:80            Masq    5      0          0"), list);
            assertTrue(list.contains("  -> 192.168.188.82:80            Masq    0      0          0"), list);
            assertSame(rs1, ControlFixture.dest(live.tcp("192.168.10.100", 80), "192.168.188.81", 80));

            Files.writeString(file, serviceFile(5, 0).replace("weight: 5", "weight: -1"));
            ControlResponse broken = live.run("--reload");
            assertEquals(ControlCommands.EXIT_RELOAD_REFUSED, broken.exitCode());
            assertTrue(broken.stderr().contains("weight"), broken.stderr());
            assertTrue(broken.stderr().contains("nothing changed"), broken.stderr());
            assertEquals(list, live.run("-Ln").stdout());
        }
    }

    @Test
    void jlvsadmChangesKeepTheHealthChecksOfTheServicesAndServersTheyLeave(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("services.yaml");
        Files.writeString(file, """
                global:
                  interfaces: [eth0]
                services:
                  - protocol: tcp
                    vip: 192.168.10.100
                    port: 80
                    scheduler: wrr
                    health-check: {type: http, path: /health, interval: 2, retries: 3}
                    servers:
                      - {address: 192.168.188.81, port: 80, weight: 1, method: nat}
                      - {address: 192.168.188.82, port: 80, weight: 1, method: nat, health-check: {port: 8080}}
                  - protocol: tcp
                    vip: 192.168.10.100
                    port: 443
                    scheduler: rr
                    health-check: {type: tcp}
                    servers:
                      - {address: 192.168.188.81, port: 443, method: nat}
                """);
        try (ControlFixture live = new ControlFixture(file)) {
            ok(live.run("--reload"));
            ServiceFile loaded = live.commands.running();
            ServiceKey http = new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 80);
            ServiceKey https = new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 443);
            HealthCheck httpCheck = loaded.service(http).orElseThrow().healthCheck().orElseThrow();
            HealthCheck rs2Check = loaded.service(http).orElseThrow().server(Ipv4.parse("192.168.188.82"), 80)
                    .orElseThrow().healthCheck().orElseThrow();
            HealthCheck httpsCheck = loaded.service(https).orElseThrow().healthCheck().orElseThrow();

            ok(live.run("-e -t 192.168.10.100:80 -r 192.168.188.81:80 -m -w 3"));
            ok(live.run("-a -t 192.168.10.100:443 -r 192.168.188.82:443 -m"));
            ok(live.run("-E -t 192.168.10.100:80 -s wlc"));
            ServiceFile after = live.commands.running();
            ServiceSpec web = after.service(http).orElseThrow();
            assertEquals("wlc", web.scheduler());
            assertEquals(3, web.server(Ipv4.parse("192.168.188.81"), 80).orElseThrow().weight());
            assertEquals(Optional.of(httpCheck), web.healthCheck(), "the edited service keeps its check");
            assertEquals(Optional.of(rs2Check), web.server(Ipv4.parse("192.168.188.82"), 80).orElseThrow()
                    .healthCheck(), "a server keeps its own check");
            assertEquals(Optional.of(httpsCheck), after.service(https).orElseThrow().healthCheck(),
                    "another service keeps its check");

            ok(live.run("-D -t 192.168.10.100:443"));
            ok(live.run("-A -t 192.168.10.100:443 -s rr"));
            assertEquals(Optional.empty(), live.commands.running().service(https).orElseThrow().healthCheck(),
                    "a service deleted and added again by commands has no check, as under ipvsadm");
        }
    }

    /** A --stats/--rate row as §4.2 gives it: the name in 33 columns, then five numbers 9 wide. */
    private static String row(String name, long a, long b, long c, long d, long e) {
        return "%-33s%9d%9d%9d%9d%9d%n".formatted(name, a, b, c, d, e);
    }

    static String serviceFile(int weight1, int weight2) {
        return """
                global:
                  interfaces: [eth0]
                services:
                  - protocol: tcp
                    vip: 192.168.10.100
                    port: 80
                    scheduler: wrr
                    servers:
                      - {address: 192.168.188.81, port: 80, weight: %d, method: nat}
                      - {address: 192.168.188.82, port: 80, weight: %d, method: nat}
                """.formatted(weight1, weight2);
    }
}
