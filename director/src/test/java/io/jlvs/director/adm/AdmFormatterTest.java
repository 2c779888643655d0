package io.jlvs.director.adm;

import static io.jlvs.director.adm.Fixtures.dest;
import static io.jlvs.director.adm.Fixtures.exampleTable;
import static io.jlvs.director.adm.Fixtures.resource;
import static io.jlvs.director.adm.Fixtures.scheduler;
import static io.jlvs.director.adm.Fixtures.server;
import static io.jlvs.director.adm.Fixtures.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: each listing of IPVS-SEMANTICS §4.2, copied byte for byte from the spec into
 * test resources, against the formatter fed the configuration the listing shows; plus the
 * other formats, whose expected rows are built with {@link String#format} from ipvsadm's printf
 * formats (an independent formatter), and two real captures from the LVS tutorials.
 */
class AdmFormatterTest {
    private static final ListFormat NUMERIC = ListFormat.NUMERIC;

    @Test
    void goldenFilesKeepTheirTrailingSpaces() {
        String golden = resource("golden-list-numeric.txt");
        assertTrue(golden.contains("  -> 192.168.188.81:80            Masq    3      1          0         \n"),
                "the -Ln golden block lost the trailing spaces of its %-10u column");
        assertEquals(5, golden.lines().filter(line -> line.endsWith(" ")).count());
    }

    @Test
    void listNumericMatchesSpecExample() {
        assertEquals(resource("golden-list-numeric.txt"), AdmFormatter.listAll(exampleTable(), NUMERIC, 4096));
    }

    @Test
    void statsMatchesSpecExample() {
        ServiceView service = new ServiceView(tcp("192.168.10.100", 80), scheduler("wlc"),
                StatsView.counters(2000, 128105, 119722, 9665544, 153_902_345L), List.of(
                        new DestView(server("192.168.188.82", 80, ForwardingMethod.MASQ, 1), 0, 0, 0,
                                StatsView.counters(1520, 98234, 91011, 7654321, 123_456_789L)),
                        new DestView(server("192.168.188.81", 80, ForwardingMethod.MASQ, 3), 0, 0, 0,
                                StatsView.counters(480, 29871, 28711, 2011223, 30445611))));
        ListFormat stats = new ListFormat(true, true, false, false, false, false, false, false);
        assertEquals(resource("golden-list-stats.txt"), AdmFormatter.listAll(List.of(service), stats, 4096));
    }

    @Test
    void rateMatchesSpecExampleForOneService() {
        ServiceView service = new ServiceView(tcp("192.168.10.100", 80), scheduler("wlc"),
                StatsView.rates(4, 280, 264, 20440, 2937455), List.of(
                        new DestView(server("192.168.188.81", 80, ForwardingMethod.MASQ, 3), 0, 0, 0,
                                StatsView.rates(1, 70, 66, 5120, 734000))));
        ListFormat rate = new ListFormat(true, false, true, false, false, false, false, false);
        assertEquals(resource("golden-list-rate.txt"), AdmFormatter.listService(service, rate));
    }

    @Test
    void connectionsMatchSpecExampleInTableOrder() {
        List<ConnRow> conns = List.of(
                ConnRow.of("TCP", ip("203.0.113.5"), 51022, ip("192.168.10.100"), 80, ip("192.168.188.82"), 80,
                        "ESTABLISHED", 14 * 60 + 59),
                ConnRow.of("TCP", ip("203.0.113.6"), 40110, ip("192.168.10.100"), 80, ip("192.168.188.81"), 80,
                        "SYN_RECV", 59),
                ConnRow.of("UDP", ip("198.51.100.7"), 40001, ip("192.168.10.100"), 53, ip("192.168.20.1"), 53,
                        "UDP", 4 * 60 + 59),
                ConnRow.of("TCP", ip("203.0.113.0"), 0, ip("192.168.10.100"), 443, ip("10.1.1.2"), 443,
                        "ASSURED", 5 * 60 + 59));
        assertEquals(resource("golden-list-connections.txt"), AdmFormatter.connections(conns, false));
    }

    @Test
    void statsMatchTutorialCapture() {
        ServiceView service = new ServiceView(tcp("192.168.10.100", 80), scheduler("rr"),
                StatsView.counters(76, 455, 300, 30150, 35700), List.of(
                        new DestView(server("192.168.188.83", 80, ForwardingMethod.MASQ, 1), 0, 0, 0,
                                StatsView.counters(38, 227, 148, 15026, 17612)),
                        new DestView(server("192.168.188.82", 80, ForwardingMethod.MASQ, 1), 0, 0, 0,
                                StatsView.counters(38, 228, 152, 15124, 18088))));
        ListFormat stats = new ListFormat(true, true, false, false, false, false, false, false);
        assertEquals(resource("capture-seed001-stats.txt"), AdmFormatter.listAll(List.of(service), stats, 4096));
    }

    @Test
    void connectionsMatchTutorialCaptureWithOverlongSource() {
        String capture = resource("capture-seed001-connections.txt");
        List<ConnRow> conns = capture.lines().skip(2).map(line -> {
            String[] f = line.trim().split(" +");
            String[] expire = f[1].split(":");
            String[] client = f[3].split(":");
            String[] virtual = f[4].split(":");
            String[] dest = f[5].split(":");
            return ConnRow.of(f[0], ip(client[0]), Integer.parseInt(client[1]), ip(virtual[0]),
                    Integer.parseInt(virtual[1]), ip(dest[0]), Integer.parseInt(dest[1]), f[2],
                    Integer.parseInt(expire[0]) * 60L + Integer.parseInt(expire[1]));
        }).toList();
        assertEquals(9, conns.size());
        assertEquals(capture, AdmFormatter.connections(conns, false));
    }

    @Test
    void timeoutsMatchSpecExample() {
        assertEquals("Timeout (tcp tcpfin udp): 900 120 300\n", AdmFormatter.timeouts(900, 120, 300));
    }

    @Test
    void saveMatchesSpecExample() {
        assertEquals(resource("golden-save-numeric.txt"), AdmFormatter.save(exampleTable()));
    }

    @Test
    void nosortKeepsTableOrder() {
        ListFormat noSort = new ListFormat(true, false, false, false, false, false, false, true);
        String listing = AdmFormatter.listAll(exampleTable(), noSort, 4096);
        assertEquals(List.of(
                "IP Virtual Server version 1.2.1 (size=4096)",
                "Prot LocalAddress:Port Scheduler Flags",
                "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
                "UDP  192.168.10.100:53 rr",
                "  -> 192.168.20.1:53              Route   2      0          17        ",
                "TCP  192.168.10.100:443 sh (sh-fallback,sh-port) persistent 360 mask 255.255.255.0",
                "  -> 10.1.1.10:443                Tunnel  1      0          0         ",
                "  -> 10.1.1.2:443                 Tunnel  1      0          0         ",
                "TCP  192.168.10.100:80 wlc",
                "  -> 192.168.188.82:80            Masq    1      12         3         ",
                "  -> 192.168.188.81:80            Masq    3      1          0         "), listing.lines().toList());
    }

    @Test
    void listOfOneServiceHasNoVersionLine() {
        String listing = AdmFormatter.listService(exampleTable().get(0), NUMERIC);
        assertEquals("Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                + "UDP  192.168.10.100:53 rr\n"
                + "  -> 192.168.20.1:53              Route   2      0          17        \n", listing);
    }

    @Test
    void largeNumbersAbbreviateAtEachThreshold() {
        assertEquals(" 99999999", AdmFormatter.largeNumber(99_999_999L, false));
        assertEquals("  100000K", AdmFormatter.largeNumber(100_000_000L, false));
        assertEquals("  999999K", AdmFormatter.largeNumber(999_999_999L, false));
        assertEquals("    1000M", AdmFormatter.largeNumber(1_000_000_000L, false));
        assertEquals("   99999M", AdmFormatter.largeNumber(99_999_999_999L, false));
        assertEquals("     100G", AdmFormatter.largeNumber(100_000_000_000L, false));
        assertEquals("   99999G", AdmFormatter.largeNumber(99_999_999_999_999L, false));
        assertEquals("     100T", AdmFormatter.largeNumber(100_000_000_000_000L, false));
        assertEquals("18446744T", AdmFormatter.largeNumber(-1L, false), "values are unsigned 64-bit");
    }

    @Test
    void exactNumbersUseNineColumnsOrLengthPlusOne() {
        assertEquals("        0", AdmFormatter.largeNumber(0, true));
        assertEquals(" 12345678", AdmFormatter.largeNumber(12_345_678L, true));
        assertEquals(" 123456789", AdmFormatter.largeNumber(123_456_789L, true));
        assertEquals(" 18446744073709551615", AdmFormatter.largeNumber(-1L, true));
    }

    @Test
    void statsWithExactPrintsWholeNumbers() {
        ServiceView service = new ServiceView(tcp("192.168.10.100", 80), scheduler("wlc"),
                StatsView.counters(2000, 128105, 119722, 9665544, 153_902_345L), List.of());
        ListFormat exact = new ListFormat(true, true, false, false, false, false, true, false);
        String row = AdmFormatter.listService(service, exact).lines().toList().get(2);
        assertEquals("TCP  192.168.10.100:80                2000   128105   119722  9665544 153902345", row);
    }

    @Test
    void thresholdsTableUsesTenColumnFields() {
        ServerOptions limited = new ServerOptions(ip("10.0.0.1"), 80, ForwardingMethod.MASQ, 1, 100, 50,
                TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);
        ServiceView service = new ServiceView(tcp("10.0.0.100", 80), scheduler("wlc"), StatsView.ZERO,
                List.of(new DestView(limited, 7, 3, 0, StatsView.ZERO)));
        ListFormat thresholds = new ListFormat(true, false, false, true, false, false, false, false);
        assertEquals(String.format("%-33s %-10s %-10s %-10s %-10s\n", "Prot LocalAddress:Port", "Uthreshold",
                        "Lthreshold", "ActiveConn", "InActConn")
                + "  -> RemoteAddress:Port\n"
                + "TCP  10.0.0.100:80 wlc\n"
                + String.format("  -> %-28s %-10d %-10d %-10d %-10d\n", "10.0.0.1:80", 100, 50, 7, 3),
                AdmFormatter.listService(service, thresholds));
    }

    @Test
    void persistentConnTableShowsTemplatesPerServer() {
        ServiceOptions persistent = new ServiceOptions("wlc", 0, 600, 0xFFFFFFFF, "", false);
        ServiceView service = new ServiceView(tcp("10.0.0.100", 80), persistent, StatsView.ZERO,
                List.of(new DestView(server("10.0.0.1", 80, ForwardingMethod.ROUTE, 2), 4, 1, 9, StatsView.ZERO)));
        ListFormat pc = new ListFormat(true, false, false, false, true, false, false, false);
        assertEquals(String.format("%-33s %-9s %-11s %-10s %-10s\n", "Prot LocalAddress:Port", "Weight",
                        "PersistConn", "ActiveConn", "InActConn")
                + "  -> RemoteAddress:Port\n"
                + "TCP  10.0.0.100:80 wlc persistent 600\n"
                + String.format("  -> %-28s %-9d %-11d %-10d %-10d\n", "10.0.0.1:80", 2, 9, 4, 1),
                AdmFormatter.listService(service, pc));
    }

    @Test
    void tunnelInfoNamesEachEncapsulation() {
        ServerOptions gue = new ServerOptions(ip("10.0.0.2"), 80, ForwardingMethod.TUNNEL, 1, 0, 0,
                TunnelType.GUE, 6080, TunnelChecksum.REMCSUM);
        ServerOptions gre = new ServerOptions(ip("10.0.0.3"), 80, ForwardingMethod.TUNNEL, 1, 0, 0,
                TunnelType.GRE, 0, TunnelChecksum.CSUM);
        ServiceView service = new ServiceView(tcp("10.0.0.100", 80), scheduler("rr"), StatsView.ZERO, List.of(
                dest(server("10.0.0.1", 80, ForwardingMethod.MASQ, 1), 0, 0), dest(gue, 0, 0), dest(gre, 0, 0),
                dest(server("10.0.0.4", 80, ForwardingMethod.TUNNEL, 1), 0, 0)));
        ListFormat tun = new ListFormat(true, false, false, false, false, true, false, false);
        assertEquals("Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n"
                + "TCP  10.0.0.100:80 rr\n"
                + tunRow("10.0.0.1:80", "Masq", "n/a")
                + tunRow("10.0.0.2:80", "Tunnel", "gue:6080:r+c")
                + tunRow("10.0.0.3:80", "Tunnel", "gre:+c")
                + tunRow("10.0.0.4:80", "Tunnel", "ipip"),
                AdmFormatter.listService(service, tun));
        assertEquals("-A -t 10.0.0.100:80 -s rr\n"
                + "-a -t 10.0.0.100:80 -r 10.0.0.1:80 -m -w 1\n"
                + "-a -t 10.0.0.100:80 -r 10.0.0.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum\n"
                + "-a -t 10.0.0.100:80 -r 10.0.0.3:80 -i -w 1 --tun-type gre --tun-csum\n"
                + "-a -t 10.0.0.100:80 -r 10.0.0.4:80 -i -w 1 --tun-type ipip\n", AdmFormatter.save(List.of(service)));
    }

    @Test
    void fwmarkServicesListAfterAddressServices() {
        ServiceOptions options = new ServiceOptions("wrr", 0x20, 300, ip("255.255.0.0"), "sip", false);
        ServiceView mark = new ServiceView(ServiceRef.ofMark(7), options, StatsView.ZERO,
                List.of(dest(server("10.0.0.1", 0, ForwardingMethod.ROUTE, 1), 0, 0)));
        ServiceView udp = new ServiceView(Fixtures.udp("10.0.0.100", 53),
                new ServiceOptions("rr", 0, 0, 0xFFFFFFFF, "", true), StatsView.ZERO, List.of());
        assertEquals(List.of(
                "IP Virtual Server version 1.2.1 (size=4096)",
                "Prot LocalAddress:Port Scheduler Flags",
                "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
                "UDP  10.0.0.100:53 rr ops",
                "FWM  7 wrr (flag-3) persistent 300 mask 255.255.0.0 pe sip",
                String.format("  -> %-28s %-7s %-6d %-10d %-10d", "10.0.0.1:0", "Route", 1, 0, 0)),
                AdmFormatter.listAll(List.of(mark, udp), NUMERIC, 4096).lines().toList());
        assertEquals("-A -u 10.0.0.100:53 -s rr -o\n"
                + "-A -f 7 -s wrr -p 300 -M 255.255.0.0 --pe sip -b flag-3\n"
                + "-a -f 7 -r 10.0.0.1:0 -g -w 1\n", AdmFormatter.save(List.of(mark, udp)));
    }

    @Test
    void flagsWithoutANameForTheSchedulerPrintAsNothing() {
        ServiceOptions shWithFlag3 = new ServiceOptions("sh", 0x20, 0, 0xFFFFFFFF, "", false);
        ServiceView service = new ServiceView(tcp("10.0.0.1", 80), shWithFlag3, StatsView.ZERO, List.of());
        assertEquals("-A -t 10.0.0.1:80 -s sh -b \n", AdmFormatter.save(List.of(service)),
                "ipvsadm prints only sh-* names for sh, leaving -b without a value");
        assertEquals("TCP  10.0.0.1:80 sh ()", AdmFormatter.listService(service, NUMERIC).lines().toList().get(2));
    }

    @Test
    void connectionsWithPersistentConnAddPeColumns() {
        List<ConnRow> conns = List.of(new ConnRow("UDP", ip("10.0.0.9"), 5060, ip("10.0.0.100"), 5060,
                ip("10.0.0.1"), 5060, "UDP", 3600 + 61, "sip", "call-1"),
                ConnRow.of("IP", ip("10.0.0.9"), 0, ip("0.0.0.1"), 0, ip("10.0.0.1"), 0, "NONE", 6000));
        assertEquals("IPVS connection entries\n"
                + "pro expire state       source             virtual            destination        pe name          pe_data\n"
                + "UDP 61:01  UDP         10.0.0.9:5060      10.0.0.100:5060    10.0.0.1:5060    sip                call-1\n"
                + "IP  100:00 NONE        10.0.0.9:0         0.0.0.1:0          10.0.0.1:0\n",
                AdmFormatter.connections(conns, true));
    }

    @Test
    void versionAndUsageStartWithTheVersionLine() {
        assertEquals("ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n", AdmFormatter.version());
        assertTrue(AdmFormatter.usage("jlvsadm").startsWith(AdmParser.VERSION + "\nUsage:\n  jlvsadm -A|E "));
    }

    /** A {@code --tun-info} row by ipvsadm's format {@code "  -> %-28s %-7s %-13s %-6d %-10u %-10u"}. */
    private static String tunRow(String endpoint, String forward, String info) {
        return String.format("  -> %-28s %-7s %-13s %-6d %-10d %-10d\n", endpoint, forward, info, 1, 0, 0);
    }

    private static int ip(String text) {
        return Ipv4.parse(text);
    }
}
