package io.jlvs.director.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.ConfigException;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.config.model.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.director.adm.AdmParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipvsadm rules to service file. Expected values come from the rules text (IPVS-SEMANTICS
 * §4.2 and the LVS tutorials of the seeds), not from running the code.
 */
class IpvsadmImporterTest {
    /** Names a test resolves: one host and the http service, nothing else. */
    private static final IpvsadmImporter.Names NAMES = new IpvsadmImporter.Names() {
        @Override
        public OptionalInt host(String name) {
            return name.equals("web1") ? OptionalInt.of(Ipv4.parse("192.168.188.81")) : OptionalInt.empty();
        }

        @Override
        public OptionalInt port(String name, Protocol protocol) {
            return name.equals("http") && protocol == Protocol.TCP ? OptionalInt.of(80) : OptionalInt.empty();
        }
    };
    private static final IpvsadmImporter IMPORTER = new IpvsadmImporter(NAMES);

    private static ImportResult translate(String text) {
        return IMPORTER.translate(text, List.of("eth0"));
    }

    private static RealServerSpec server(String address, int port, int weight, ForwardingMethod method) {
        return new RealServerSpec(Ipv4.parse(address), port, weight, method, 0, 0);
    }

    private static ServiceKey tcp(String vip, int port) {
        return new ServiceKey.Address(Protocol.TCP, Ipv4.parse(vip), port);
    }

    @Test
    void translatesSaveExampleOfSpec() throws ConfigException {
        ImportResult result = translate("""
                -A -t 192.168.10.100:80 -s wlc
                -a -t 192.168.10.100:80 -r 192.168.188.81:80 -m -w 3
                -a -t 192.168.10.100:80 -r 192.168.188.82:80 -m -w 1
                -A -t 192.168.10.100:443 -s sh -p 360 -M 255.255.255.0 -b sh-fallback,sh-port
                -a -t 192.168.10.100:443 -r 10.1.1.2:443 -i -w 1 --tun-type ipip
                -a -t 192.168.10.100:443 -r 10.1.1.10:443 -i -w 1 --tun-type ipip
                -A -u 192.168.10.100:53 -s rr
                -a -u 192.168.10.100:53 -r 192.168.20.1:53 -g -w 2
                """);
        assertEquals(List.of(), result.notes());
        assertEquals(ImportResult.EXIT_OK, result.exitCode());
        ServiceFile file = result.file().orElseThrow();
        assertEquals(3, file.services().size());

        ServiceSpec web = file.services().get(0);
        assertEquals(tcp("192.168.10.100", 80), web.key());
        assertEquals("wlc", web.scheduler());
        assertEquals(0, web.schedulerFlags());
        assertEquals(Optional.empty(), web.persistence());
        assertEquals(List.of(server("192.168.188.81", 80, 3, ForwardingMethod.MASQ),
                server("192.168.188.82", 80, 1, ForwardingMethod.MASQ)), web.servers());

        ServiceSpec https = file.services().get(1);
        assertEquals(tcp("192.168.10.100", 443), https.key());
        assertEquals("sh", https.scheduler());
        // sh-fallback is IP_VS_SVC_F_SCHED1 (0x08), sh-port SCHED2 (0x10).
        assertEquals(0x08 | 0x10, https.schedulerFlags());
        assertEquals(Optional.of(new Persistence(360, Ipv4.parse("255.255.255.0"))), https.persistence());
        assertEquals(List.of(server("10.1.1.2", 443, 1, ForwardingMethod.TUNNEL),
                server("10.1.1.10", 443, 1, ForwardingMethod.TUNNEL)), https.servers());

        ServiceSpec dns = file.services().get(2);
        assertEquals(new ServiceKey.Address(Protocol.UDP, Ipv4.parse("192.168.10.100"), 53), dns.key());
        assertEquals("rr", dns.scheduler());
        assertEquals(List.of(server("192.168.20.1", 53, 2, ForwardingMethod.ROUTE)), dns.servers());

        assertEquals(Timeouts.DEFAULT, file.global().timeouts());
        assertEquals(List.of("eth0"), file.global().interfaces());
        assertEquals(file, ImportFixtures.roundTrip(file));
    }

    /** The words of the seed lines with those sources, one command per line. */
    private static String seedRules(Set<String> sources) {
        List<String> lines = new ArrayList<>();
        String seeds = ImportFixtures.resource(AdmParser.class, "seed-commands.txt");
        for (String line : seeds.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\|");
            if (sources.contains(parts[0].trim())) {
                lines.add(parts[1].trim());
            }
        }
        assertEquals(sources.size(), lines.size(), "seed lines found");
        return String.join("\n", lines) + "\n";
    }

    @Test
    void translatesDirectRoutingScriptOfSeed001() throws ConfigException {
        // vip=172.16.0.100 port=80 rs1=192.168.188.81 rs2=192.168.188.82 scheduler=wrr type=-g, weight 1 each;
        // "-r ADDRESS" without a port takes the service port.
        ImportResult result = translate(seedRules(Set.of("001:1096", "001:1097", "001:1098")));
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        assertEquals(tcp("172.16.0.100", 80), service.key());
        assertEquals("wrr", service.scheduler());
        assertEquals(List.of(server("192.168.188.81", 80, 1, ForwardingMethod.ROUTE),
                server("192.168.188.82", 80, 1, ForwardingMethod.ROUTE)), service.servers());
        assertEquals(ImportResult.EXIT_OK, result.exitCode());
        assertEquals(result.file().orElseThrow(), ImportFixtures.roundTrip(result.file().orElseThrow()));
    }

    @Test
    void translatesNatServiceAfterDeletedServerOfSeed001() throws ConfigException {
        // wrr service, rs 192.168.188.101:8080 -m -w 3 and 192.168.188.102:6060 -m -w 6, then -d of the second.
        ImportResult result = translate(seedRules(Set.of("001:396", "001:405", "001:415", "001:426")));
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        assertEquals(tcp("192.168.188.200", 80), service.key());
        assertEquals(List.of(server("192.168.188.101", 8080, 3, ForwardingMethod.MASQ)), service.servers());
        assertEquals(result.file().orElseThrow(), ImportFixtures.roundTrip(result.file().orElseThrow()));
    }

    @Test
    void translatesPersistentServiceOfSeed003AndTimeoutsOfSeed002() throws ConfigException {
        // 003: -p 120 on 10.0.9.3:80 wlc, rs .234 and .236 -g; 002: --set 30 5 60.
        ImportResult result = translate(seedRules(Set.of("002:134", "003:35", "003:36", "003:37")));
        ServiceFile file = result.file().orElseThrow();
        ServiceSpec service = file.services().getFirst();
        assertEquals(tcp("10.0.9.3", 80), service.key());
        assertEquals("wlc", service.scheduler());
        assertEquals(Optional.of(new Persistence(120, Persistence.DEFAULT_NETMASK)), service.persistence());
        assertEquals(List.of(server("10.0.9.234", 80, 1, ForwardingMethod.ROUTE),
                server("10.0.9.236", 80, 1, ForwardingMethod.ROUTE)), service.servers());
        assertEquals(new Timeouts(30, 5, 60), file.global().timeouts());
        assertEquals(file, ImportFixtures.roundTrip(file));
    }

    @Test
    void refusesLineIpvsadmRefusesWithItsNumber() {
        // seed 002:141 writes -S where it means -s; ipvsadm 1.31 refuses the line.
        ImportResult result = translate(seedRules(Set.of("002:70", "002:141")));
        assertEquals(ImportResult.EXIT_ERROR, result.exitCode());
        assertEquals(List.of("line 2: invalid option `-S'"), result.errors());
        assertEquals(Optional.empty(), result.file());
    }

    @Test
    void refusesCommandTheKernelRefuses() {
        ImportResult result = translate("-A -t 10.0.0.1:80\n\n-a -t 10.0.0.2:80 -r 10.0.1.1\n");
        assertEquals(List.of("line 3: Service not defined"), result.errors());
        assertEquals(ImportResult.EXIT_ERROR, result.exitCode());
    }

    @Test
    void reportsPersistenceEngineAndSctpButTranslatesTheRestOnePacketIncluded() {
        ImportResult result = translate("""
                -A -u 10.0.0.1:5060 -s rr -p 60 --pe sip
                -A -u 10.0.0.1:53 -s rr -o
                -A --sctp-service 10.0.0.1:3868 -s rr
                -A -t 10.0.0.1:80 -s rr
                -a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -x 100 -y 50
                """);
        assertEquals(ImportResult.EXIT_PARTIAL, result.exitCode());
        List<String> notes = result.notes();
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("line 1: -u 10.0.0.1:5060: persistence engine 'sip'"), notes.toString());
        assertTrue(notes.get(1).startsWith("line 3: --sctp-service 10.0.0.1:3868: SCTP"), notes.toString());
        ServiceFile file = result.file().orElseThrow();
        assertEquals(3, file.services().size());
        assertTrue(file.services().get(1).onePacket(), "-o imported as one-packet: true");
        assertEquals(new RealServerSpec(Ipv4.parse("10.0.1.1"), 8080, 1, ForwardingMethod.MASQ, 100, 50),
                file.services().get(2).servers().getFirst());
    }

    @Test
    void resolvesNamesAndLeavesOutLinesWhoseNamesDoNotResolve() {
        ImportResult result = translate("""
                -A -t 192.168.10.100:http -s wlc
                -a -t 192.168.10.100:http -r web1:http -m -w 3
                -a -t 192.168.10.100:http -r nosuchhost:http -m -w 1
                -L -n
                """);
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        assertEquals(tcp("192.168.10.100", 80), service.key());
        assertEquals(List.of(server("192.168.188.81", 80, 3, ForwardingMethod.MASQ)), service.servers());
        assertEquals(List.of("line 3: host name 'nosuchhost' does not resolve to an IPv4 address; line left out",
                "line 4: --list changes no rules; ignored"), result.notes());
        assertEquals(ImportResult.EXIT_PARTIAL, result.exitCode());
    }

    @Test
    void readsAddressesAsIpvsadmDoesWithoutResolvingThem() {
        ImportResult result = translate("""
                -A -t 0xC0A80A64:80 -s rr
                -a -t 192.168.10.100:80 -r 192.168.188.010:80 -m
                """);
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        assertEquals(tcp("192.168.10.100", 80), service.key());
        assertEquals(List.of(server("192.168.188.8", 80, 1, ForwardingMethod.MASQ)), service.servers());
        assertEquals(List.of(), result.notes());
    }

    @Test
    void ipv6LinesAreSkippedByNumberAndTheRestIsImported() {
        ImportResult result = translate("""
                -A -t 10.0.0.1:80 -s rr
                -A -t [2001:db8::1]:80 -s rr
                -a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -m -w 1
                -a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1
                -A -f 7 -s rr -6
                """);
        String skipped = "IPv6 is not supported yet (jlvs balances IPv4 only): ";
        assertEquals(List.of("line 2: " + skipped + "virtual server address [2001:db8::1]:80; line skipped",
                "line 3: " + skipped + "virtual server address [2001:db8::1]:80; line skipped",
                "line 5: " + skipped + "fwmark service 7 with -6; line skipped"), result.notes());
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        assertEquals(1, result.file().orElseThrow().services().size());
        assertEquals(tcp("10.0.0.1", 80), service.key());
        assertEquals(List.of(server("10.0.1.1", 80, 1, ForwardingMethod.MASQ)), service.servers());
        assertEquals(ImportResult.EXIT_PARTIAL, result.exitCode());
    }
}
