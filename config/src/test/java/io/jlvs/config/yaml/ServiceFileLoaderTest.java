package io.jlvs.config.yaml;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.Endpoint;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.DefenseSettings;
import io.jlvs.config.model.IoSettings;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.core.service.SchedulerFlag;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.config.model.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading and validating service files: every rule, its line, path and message. */
class ServiceFileLoaderTest {
    private static final String GLOBAL = "global:\n  interfaces: [eth0]\n";

    private final ServiceFileLoader loader = new ServiceFileLoader();

    static String resource(String name) {
        try (InputStream in = ServiceFileLoaderTest.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ServiceFile load(String yaml) throws ConfigException {
        return loader.parse(yaml, "services.yaml");
    }

    private List<ConfigError> errors(String yaml) {
        return errors(loader, yaml);
    }

    private static List<ConfigError> errors(ServiceFileLoader loader, String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(yaml, "services.yaml"));
        return e.errors();
    }

    /** The only error of a file: asserts there is exactly one and returns it. */
    private ConfigError onlyError(String yaml) {
        List<ConfigError> errors = errors(yaml);
        assertEquals(1, errors.size(), () -> "expected one error, got " + errors);
        return errors.get(0);
    }

    /**
     * A file with the standard global section and one TCP service on 192.168.10.100:80
     * (lines 1-6); {@code serviceLines} start at line 7.
     */
    private static String service(String serviceLines) {
        return GLOBAL + "services:\n  - protocol: tcp\n    vip: 192.168.10.100\n    port: 80\n" + serviceLines;
    }

    @Test
    void acceptanceFileGetsFourErrorsEachWithItsLine() {
        // Lines counted in src/test/resources/four-errors.yaml.
        List<ConfigError> errors = errors(resource("four-errors.yaml"));
        assertEquals(4, errors.size(), () -> String.join("\n", errors.stream().map(ConfigError::toString).toList()));

        assertEquals(10, errors.get(0).line());
        assertEquals("services[0].servers[0].wieght", errors.get(0).path());
        assertTrue(errors.get(0).message().startsWith("unknown key 'wieght' (did you mean 'weight'?)"),
                errors.get(0).message());

        assertEquals(11, errors.get(1).line());
        assertEquals("services[0].servers[1].address", errors.get(1).path());
        assertTrue(errors.get(1).message().startsWith("not an IPv4 address: '192.168.188.300'"),
                errors.get(1).message());

        assertEquals(13, errors.get(2).line());
        assertEquals("services[0].servers[2].weight", errors.get(2).path());
        assertEquals("must be 0..65535, was -1", errors.get(2).message());

        assertEquals(15, errors.get(3).line());
        assertEquals("services[0].servers[3].port", errors.get(3).path());
        assertTrue(errors.get(3).message().startsWith("a tun server must use the service port 80, was 8080"),
                errors.get(3).message());

        for (ConfigError error : errors) {
            assertEquals("services.yaml", error.file());
        }
    }

    @Test
    void errorReadsAsFileLinePathMessage() {
        ConfigError error = onlyError(service("    servers:\n      - {address: 192.168.188.81, weight: -1}\n"));
        assertEquals("services.yaml:8 services[0].servers[0].weight: must be 0..65535, was -1", error.toString());
    }

    @Test
    void exceptionMessageListsEveryErrorOnItsOwnLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(resource("four-errors.yaml")));
        String[] lines = e.getMessage().split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("services.yaml:10 services[0].servers[0].wieght: "), lines[0]);
        assertTrue(lines[3].startsWith("services.yaml:15 services[0].servers[3].port: "), lines[3]);
    }

    @Test
    void onePacketSchedulingIsForUdpServicesAndWrittenBackAsRead() throws ConfigException {
        ServiceFile file = load(GLOBAL + "services:\n  - protocol: udp\n    vip: 192.168.10.100\n    port: 53\n"
                + "    one-packet: true\n");
        assertTrue(file.services().get(0).onePacket());
        assertTrue(new ServiceFileWriter().write(file).contains("one-packet: true"));
        assertEquals(file, load(new ServiceFileWriter().write(file)), "written and loaded back unchanged");
        ConfigError tcp = onlyError(service("    one-packet: true\n"));
        assertEquals("services[0].one-packet", tcp.path());
        assertEquals(7, tcp.line());
        assertTrue(tcp.message().startsWith("one-packet scheduling is only for UDP and fwmark services"), tcp.message());
        ConfigError notBoolean = onlyError(service("    one-packet: yes please\n"));
        assertTrue(notBoolean.message().startsWith("expected true or false, got"), notBoolean.message());
    }

    @Test
    void unknownKeyListsTheKnownKeysOfItsLevel() {
        ConfigError error = onlyError(service("    colour: blue\n"));
        assertEquals(7, error.line());
        assertEquals("services[0].colour", error.path());
        assertEquals("unknown key 'colour'; known keys here: protocol, vip, port, fwmark, scheduler,"
                + " scheduler-flags, persistence, one-packet, servers, health-check", error.message());
    }

    @Test
    void unknownKeyWithSnakeCaseSuggestsTheKebabKey() {
        ConfigError error = onlyError(service(
                "    servers:\n      - {address: 192.168.188.81, upper_threshold: 10}\n"));
        assertTrue(error.message().startsWith("unknown key 'upper_threshold' (did you mean 'upper-threshold'?)"),
                error.message());
    }

    @Test
    void typoOfARequiredKeyIsOneErrorNotTwo() {
        ConfigError error = onlyError(service("    servers:\n      - {adress: 192.168.188.81}\n"));
        assertEquals("services[0].servers[0].adress", error.path());
        assertTrue(error.message().contains("did you mean 'address'?"), error.message());
    }

    @Test
    void typoOfServicePortIsOneErrorNotTwo() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - {protocol: tcp, vip: 192.168.10.100, prot: 80}\n");
        assertTrue(error.message().startsWith("unknown key 'prot' (did you mean 'port'?)"), error.message());
    }

    @Test
    void duplicateKeyIsRefusedWithTheFirstLine() {
        ConfigError error = onlyError(service("    servers:\n      - address: 192.168.188.81\n"
                + "        weight: 2\n        weight: 3\n"));
        assertEquals(10, error.line());
        assertEquals("services[0].servers[0].weight", error.path());
        assertEquals("duplicate key 'weight' (first at line 9); keep only one", error.message());
    }

    @Test
    void missingServerAddressIsReported() {
        ConfigError error = onlyError(service("    servers:\n      - {port: 80}\n"));
        assertEquals(8, error.line());
        assertEquals("services[0].servers[0]", error.path());
        assertEquals("missing key 'address' in a real server", error.message());
    }

    @Test
    void badVipIsReported() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - {protocol: tcp, vip: 10.0.0, port: 80}\n");
        assertEquals("services[0].vip", error.path());
        assertEquals("not an IPv4 address: '10.0.0'; expected the virtual IP (an IPv4 address such as"
                + " 192.168.10.100)", error.message());
    }

    @Test
    void quotedNumberWhereIntegerExpectedIsATypeError() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - {protocol: tcp, vip: 192.168.10.100, port: \"80\"}\n");
        assertEquals("services[0].port", error.path());
        assertEquals("expected an integer 0..65535, got the string \"80\"", error.message());
    }

    @Test
    void wordWhereIntegerExpectedIsATypeError() {
        ConfigError error = onlyError(service("    servers:\n      - {address: 192.168.188.81, weight: heavy}\n"));
        assertEquals("expected an integer 0..65535, got the string \"heavy\"", error.message());
    }

    @Test
    void fractionWhereIntegerExpectedIsATypeError() {
        ConfigError error = onlyError(GLOBAL.replace("[eth0]\n", "[eth0]\n  workers: 1.5\n"));
        assertEquals("global.workers", error.path());
        assertEquals("expected an integer 1..256, got the number 1.5", error.message());
    }

    @Test
    void listWhereMappingExpectedIsATypeError() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - [tcp, 192.168.10.100, 80]\n");
        assertEquals(4, error.line());
        assertEquals("services[0]", error.path());
        assertTrue(error.message().startsWith("expected a virtual service (a mapping with keys protocol,"), error.message());
        assertTrue(error.message().endsWith("got a list"), error.message());
    }

    @Test
    void numberWhereAddressExpectedIsATypeError() {
        ConfigError error = onlyError(service("    servers:\n      - {address: true}\n"));
        assertEquals("expected the real server's address (an IPv4 address such as 192.168.10.100),"
                + " got the boolean true", error.message());
    }

    @Test
    void yamlSyntaxErrorGivesItsLine() {
        List<ConfigError> errors = errors(GLOBAL + "services:\n  - protocol: tcp\n    vip: [192.168.10.100\n"
                + "    port: 80\n");
        assertEquals(1, errors.size());
        // The '[' opened on line 5 is still open when 'port:' on line 6 arrives.
        assertEquals(6, errors.get(0).line(), errors.get(0).toString());
        assertTrue(errors.get(0).message().startsWith("not valid YAML at column 9: "), errors.get(0).message());
        assertTrue(errors.get(0).message().endsWith("(the construct starts on line 5)"), errors.get(0).message());
    }

    @Test
    void badIndentationIsASyntaxErrorOnItsLine() {
        ConfigError error = onlyError("global:\n  interfaces: [eth0]\n workers: 2\n");
        assertEquals(3, error.line());
        assertTrue(error.toString().startsWith("services.yaml:3: not valid YAML at column 2: "), error.toString());
    }

    @Test
    void emptyFileIsRefused() {
        ConfigError error = onlyError("");
        assertEquals("services.yaml:1: the file is empty; expected a mapping with keys 'global' and 'services'",
                error.toString());
    }

    @Test
    void fileOfOnlyCommentsIsRefusedAsEmpty() {
        assertTrue(onlyError("# nothing here\n").message().startsWith("the file is empty"));
    }

    @Test
    void scalarDocumentIsRefused() {
        ConfigError error = onlyError("hello\n");
        assertEquals("", error.path());
        assertTrue(error.message().startsWith("expected the service file (a mapping with keys global, services)"),
                error.message());
    }

    @Test
    void missingGlobalIsReported() {
        ConfigError error = onlyError("services: []\n");
        assertEquals("missing key 'global' in the service file", error.message());
    }

    @Test
    void missingFileIsReportedByName(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(file));
        assertEquals(file + ": cannot read the service file: no such file", e.getMessage());
    }

    @Test
    void fileIsLoadedFromDiskAndNamedAsGiven(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "global:\n  interfaces: [eth0]\n  workers: 0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(file));
        assertEquals(file + ":3 global.workers: must be 1..256, was 0", e.getMessage());
    }

    @Test
    void defaultsFollowIpvsadm() throws ConfigException {
        ServiceFile file = load(service("    servers:\n      - address: 192.168.188.81\n"));
        GlobalSettings global = file.global();
        assertEquals(List.of("eth0"), global.interfaces());
        assertEquals(1, global.workers());
        assertEquals(1 << 20, global.connectionTableCapacity());
        assertEquals(new Timeouts(900, 120, 300), global.timeouts());
        assertEquals(Optional.of(new Endpoint(Ipv4.parse("127.0.0.1"), 9180)), global.metricsListen());
        assertEquals("/run/jlvs/jlvsd.sock", global.controlSocket());
        assertEquals(IoSettings.DEFAULT, global.io());

        ServiceSpec spec = file.services().get(0);
        assertEquals(new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 80), spec.key());
        assertEquals("wlc", spec.scheduler());
        assertEquals(0, spec.schedulerFlags());
        assertEquals(Optional.empty(), spec.persistence());
        assertEquals(List.of(new RealServerSpec(Ipv4.parse("192.168.188.81"), 80, 1, ForwardingMethod.ROUTE, 0, 0)),
                spec.servers());
    }

    @Test
    void unknownIoBackendNamesTheBackends() {
        ConfigError e = onlyError("global:\n  interfaces: [eth0]\n  io: {backend: dpdk}\nservices: []\n");
        assertEquals("global.io.backend", e.path());
        assertEquals(3, e.line());
        assertTrue(e.message().startsWith("unknown backend 'dpdk'; expected one of auto, af_xdp, af_packet"),
                e.message());
    }

    @Test
    void ioRingAndIdleOutOfRangeAreEachReported() {
        List<ConfigError> errors = errors("global:\n  interfaces: [eth0]\n"
                + "  io: {rx-ring-frames: 8, idle: {spins: -1, yields: 2}}\nservices: []\n");
        assertEquals(List.of("global.io.rx-ring-frames", "global.io.idle.spins"),
                errors.stream().map(ConfigError::path).toList(), errors::toString);
    }

    @Test
    void defenseModesOutsideTheKernelsRangeAreEachReported() {
        List<ConfigError> errors = errors("global:\n  interfaces: [eth0]\n"
                + "  defense: {drop-entry: 4, secure-tcp: -1, am-droprate: 0, per-source-syn-limit: -1, flood: yes}\n"
                + "services: []\n");
        assertEquals(List.of("global.defense.flood", "global.defense.drop-entry", "global.defense.secure-tcp",
                "global.defense.am-droprate", "global.defense.per-source-syn-limit"),
                errors.stream().map(ConfigError::path).toList(), errors::toString);
        assertTrue(errors.get(1).message().contains("0..3 (0 off, 1 automatic, 2 on while under pressure, 3 always)"),
                errors.get(1).message());
    }

    @Test
    void fullySpecifiedServiceIsRead() throws ConfigException {
        ServiceFile file = load("global:\n  interfaces: [eth0, eth1]\n  workers: 4\n"
                + "  connection-table-capacity: 65536\n  timeouts: {tcp: 1000, tcpfin: 30, udp: 20}\n"
                + "  metrics-listen: 10.0.0.1:9100\n  control-socket: /tmp/j.sock\n"
                + "  io: {backend: af_packet, rx-ring-frames: 4096, idle: {spins: 0, yields: 3}}\n"
                + "  defense: {drop-entry: 1, drop-packet: 3, secure-tcp: 2, amemthresh: 4096, am-droprate: 20,"
                + " syn-recv-timeout-under-pressure: 3, per-source-syn-limit: 16}\n"
                + "services:\n  - protocol: udp\n    vip: 10.1.1.1\n    port: 53\n    scheduler: sh\n"
                + "    scheduler-flags: [sh-port]\n    persistence: {timeout: 60, netmask: 255.255.0.0}\n"
                + "    servers:\n      - {address: 10.2.2.2, port: 5353, weight: 0, method: nat,"
                + " upper-threshold: 100, lower-threshold: 50}\n");
        assertEquals(new GlobalSettings(List.of("eth0", "eth1"), 4, 65536, new Timeouts(1000, 30, 20),
                Optional.of(new Endpoint(Ipv4.parse("10.0.0.1"), 9100)), "/tmp/j.sock",
                new IoSettings(IoSettings.Backend.AF_PACKET, 4096, 0, 3), new DefenseSettings(1, 3, 2, 4096, 20, 3, 16)),
                file.global());
        assertEquals(new ServiceSpec(new ServiceKey.Address(Protocol.UDP, Ipv4.parse("10.1.1.1"), 53), "sh",
                0x10, Optional.of(new Persistence(60, 0xFFFF0000)),
                List.of(new RealServerSpec(Ipv4.parse("10.2.2.2"), 5353, 0, ForwardingMethod.MASQ, 100, 50))),
                file.services().get(0));
    }

    @Test
    void fileWithoutServicesIsValid() throws ConfigException {
        assertEquals(List.of(), load(GLOBAL).services());
        assertEquals(List.of(), load(GLOBAL + "services: []\n").services());
        assertEquals(List.of(), load(GLOBAL + "services:\n").services());
    }

    @Test
    void drServerOnAnotherPortIsRefused() {
        ConfigError error = onlyError(service("    servers:\n      - {address: 192.168.188.81, port: 8080}\n"));
        assertEquals("services[0].servers[0].port", error.path());
        assertEquals("a dr server must use the service port 80, was 8080: DR and TUN forward packets with the"
                + " destination port unchanged (ipvsadm forces it); remove 'port' or use method nat", error.message());
    }

    @Test
    void natServerOnAnotherPortIsAccepted() throws ConfigException {
        ServiceFile file = load(service("    servers:\n      - {address: 192.168.188.101, port: 8080, method: nat}\n"));
        assertEquals(8080, file.services().get(0).servers().get(0).port());
    }

    @Test
    void drServerNamingTheServicePortIsAccepted() throws ConfigException {
        ServiceFile file = load(service("    servers:\n      - {address: 192.168.188.81, port: 80, method: dr}\n"));
        assertEquals(80, file.services().get(0).servers().get(0).port());
    }

    @Test
    void fwmarkServiceTakesNoAddressAndServersDefaultToPortZero() throws ConfigException {
        ServiceFile file = load(GLOBAL + "services:\n  - fwmark: 4294967295\n    scheduler: rr\n"
                + "    servers:\n      - {address: 192.168.188.81}\n      - {address: 192.168.188.82, port: 80,"
                + " method: nat}\n");
        ServiceSpec spec = file.services().get(0);
        assertEquals(new ServiceKey.Mark(-1), spec.key());
        assertEquals(0, spec.servers().get(0).port());
        assertEquals(80, spec.servers().get(1).port());
    }

    @Test
    void fwmarkServiceWithVipIsRefused() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - fwmark: 1\n    vip: 192.168.10.100\n");
        assertEquals("services[0].vip", error.path());
        assertTrue(error.message().startsWith("'vip' does not apply to a fwmark service"), error.message());
    }

    @Test
    void fwmarkZeroIsRefused() {
        assertEquals("must be 1..4294967295, was 0", onlyError(GLOBAL + "services:\n  - fwmark: 0\n").message());
    }

    @Test
    void tunServerOfFwmarkServiceWithPortIsRefused() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - fwmark: 1\n    servers:\n"
                + "      - {address: 192.168.200.81, port: 80, method: tun}\n");
        assertTrue(error.message().startsWith("a tun server of a fwmark service keeps the client's port, was 80"),
                error.message());
    }

    @Test
    void serviceWithoutPortOrFwmarkIsRefused() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - {protocol: tcp, vip: 192.168.10.100}\n");
        assertEquals("services[0]", error.path());
        assertTrue(error.message().startsWith("missing key 'port' in a virtual service"), error.message());
    }

    @Test
    void duplicateServiceIsRefused() {
        ConfigError error = onlyError(GLOBAL + "services:\n"
                + "  - {protocol: tcp, vip: 192.168.10.100, port: 80}\n"
                + "  - {protocol: udp, vip: 192.168.10.100, port: 80}\n"
                + "  - {protocol: tcp, vip: 192.168.10.100, port: 80}\n");
        assertEquals(6, error.line());
        assertEquals("services[2]", error.path());
        assertEquals("duplicate service TCP 192.168.10.100:80 (first defined at services[0], line 4); merge their"
                + " servers into one", error.message());
    }

    @Test
    void duplicateFwmarkServiceIsRefused() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - {fwmark: 7}\n  - {fwmark: 7, scheduler: rr}\n");
        assertTrue(error.message().startsWith("duplicate service FWM 7"), error.message());
    }

    @Test
    void duplicateServerIsRefusedEvenWhenItsPortIsTheDefault() {
        ConfigError error = onlyError(service("    servers:\n      - {address: 192.168.188.81}\n"
                + "      - {address: 192.168.188.81, port: 80, weight: 5}\n"));
        assertEquals(9, error.line());
        assertEquals("services[0].servers[1]", error.path());
        assertEquals("duplicate real server 192.168.188.81:80 (first at services[0].servers[0], line 8);"
                + " keep only one", error.message());
    }

    @Test
    void sameServerOnTwoPortsIsAccepted() throws ConfigException {
        ServiceFile file = load(service("    servers:\n      - {address: 192.168.188.81, port: 80, method: nat}\n"
                + "      - {address: 192.168.188.81, port: 81, method: nat}\n"));
        assertEquals(2, file.services().get(0).servers().size());
    }

    @Test
    void unknownSchedulerSuggestsTheClosestName() {
        ConfigError error = onlyError(service("    scheduler: wrrr\n"));
        assertEquals("services[0].scheduler", error.path());
        assertEquals("unknown scheduler 'wrrr' (did you mean 'wrr'?); known schedulers: dh, fo, lblc, lblcr, lc,"
                + " mh, nq, ovf, rr, sed, sh, wlc, wrr", error.message());
    }

    @Test
    void schedulerNamesComeFromTheCaller() throws ConfigException {
        ServiceFileLoader rrOnly = new ServiceFileLoader(Set.of("rr", "twos"));
        assertEquals("twos", rrOnly.parse(service("    scheduler: twos\n"), "s.yaml").services().get(0).scheduler());
        List<ConfigError> errors = errors(rrOnly, service("    scheduler: wrr\n"));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).message().endsWith("known schedulers: rr, twos"), errors.get(0).message());
        ConfigError missing = errors(rrOnly, service("")).get(0);
        assertTrue(missing.message().startsWith("missing key 'scheduler' (the default wlc is not available here)"),
                missing.message());
    }

    @Test
    void shFlagsAreAcceptedWithSh() throws ConfigException {
        ServiceFile file = load(service("    scheduler: sh\n    scheduler-flags: [sh-fallback, sh-port]\n"));
        assertEquals(0x18, file.services().get(0).schedulerFlags());
    }

    @Test
    void shFlagWithAnotherSchedulerIsRefused() {
        ConfigError error = onlyError(service("    scheduler: wrr\n    scheduler-flags: [flag-1, sh-port]\n"));
        assertEquals("services[0].scheduler-flags[1]", error.path());
        assertTrue(error.message().startsWith("flag 'sh-port' only applies to the sh scheduler, not wrr"),
                error.message());
    }

    @Test
    void mhFlagWithDefaultSchedulerIsRefused() {
        ConfigError error = onlyError(service("    scheduler-flags: [mh-port]\n"));
        assertTrue(error.message().startsWith("flag 'mh-port' only applies to the mh scheduler, not wlc"),
                error.message());
    }

    @Test
    void genericFlagsAreAcceptedWithAnyScheduler() throws ConfigException {
        ServiceFile file = load(service("    scheduler: mh\n    scheduler-flags: [mh-port, flag-3]\n"));
        assertEquals(SchedulerFlag.MH_PORT.bit() | SchedulerFlag.FLAG_3.bit(), file.services().get(0).schedulerFlags());
    }

    @Test
    void unknownFlagSuggestsTheClosest() {
        ConfigError error = onlyError(service("    scheduler: sh\n    scheduler-flags: [sh-prot]\n"));
        assertTrue(error.message().startsWith("unknown scheduler flag 'sh-prot' (did you mean 'sh-port'?)"),
                error.message());
    }

    @Test
    void persistenceTrueOrEmptyMeans360SecondsPerClientAddress() throws ConfigException {
        Optional<Persistence> expected = Optional.of(new Persistence(360, 0xFFFFFFFF));
        assertEquals(expected, load(service("    persistence: true\n")).services().get(0).persistence());
        assertEquals(expected, load(service("    persistence:\n")).services().get(0).persistence());
        assertEquals(expected, load(service("    persistence: {}\n")).services().get(0).persistence());
    }

    @Test
    void persistenceFalseMeansNone() throws ConfigException {
        assertEquals(Optional.empty(), load(service("    persistence: false\n")).services().get(0).persistence());
    }

    @Test
    void persistenceNumberIsTheTimeout() throws ConfigException {
        assertEquals(Optional.of(new Persistence(120, 0xFFFFFFFF)),
                load(service("    persistence: 120\n")).services().get(0).persistence());
    }

    @Test
    void persistenceNetmaskIsRead() throws ConfigException {
        assertEquals(Optional.of(new Persistence(360, 0xFFFFFF00)),
                load(service("    persistence: {netmask: 255.255.255.0}\n")).services().get(0).persistence());
    }

    @Test
    void persistenceTimeoutOutOfRangeIsRefused() {
        assertEquals("must be 1..2678400 seconds, was 0", onlyError(service("    persistence: 0\n")).message());
        ConfigError error = onlyError(service("    persistence: {timeout: 2678401}\n"));
        assertEquals("services[0].persistence.timeout", error.path());
        assertEquals("must be 1..2678400 seconds, was 2678401", error.message());
    }

    @Test
    void nonContiguousNetmaskIsRefused() {
        ConfigError error = onlyError(service("    persistence: {netmask: 255.0.255.0}\n"));
        assertEquals("services[0].persistence.netmask", error.path());
        assertTrue(error.message().startsWith("netmask 255.0.255.0 is not contiguous"), error.message());
    }

    @Test
    void persistenceOfWrongTypeIsRefused() {
        ConfigError error = onlyError(service("    persistence: always\n"));
        assertTrue(error.message().startsWith("expected true, false, a timeout in seconds 1..2678400, or a mapping"),
                error.message());
    }

    @Test
    void portZeroNeedsPersistence() throws ConfigException {
        String zero = GLOBAL + "services:\n  - protocol: tcp\n    vip: 192.168.10.100\n    port: 0\n";
        ConfigError error = onlyError(zero);
        assertEquals(6, error.line());
        assertTrue(error.message().contains("'Zero port specified for non-persistent service'"), error.message());
        assertEquals(0, load(zero + "    persistence: true\n").services().get(0).key().port());
    }

    @Test
    void lowerThresholdAboveUpperIsRefused() {
        ConfigError error = onlyError(service("    servers:\n"
                + "      - {address: 192.168.188.81, upper-threshold: 50, lower-threshold: 60}\n"));
        assertEquals("services[0].servers[0].lower-threshold", error.path());
        assertEquals("lower-threshold 60 is above upper-threshold 50; the kernel refuses it (ERANGE)", error.message());
    }

    @Test
    void lowerThresholdWithoutUpperIsRefused() {
        ConfigError error = onlyError(service("    servers:\n      - {address: 192.168.188.81, lower-threshold: 5}\n"));
        assertTrue(error.message().startsWith("lower-threshold 5 needs an upper-threshold of at least 5"),
                error.message());
    }

    @Test
    void negativeThresholdIsRefused() {
        ConfigError error = onlyError(service("    servers:\n      - {address: 192.168.188.81, upper-threshold: -5}\n"));
        assertEquals("must be 0..2147483647 connections, was -5", error.message());
    }

    @Test
    void weightAboveRangeIsRefused() {
        assertEquals("must be 0..65535, was 65536",
                onlyError(service("    servers:\n      - {address: 192.168.188.81, weight: 65536}\n")).message());
    }

    @Test
    void ipvsadmWordForAMethodIsRefusedWithTheYamlWord() {
        ConfigError error = onlyError(service("    servers:\n      - {address: 192.168.188.81, method: Masq}\n"));
        assertEquals("services[0].servers[0].method", error.path());
        assertEquals("unknown method 'Masq' (did you mean 'nat'?); expected dr (direct routing), nat or tun"
                + " (IPIP tunnel)", error.message());
    }

    @Test
    void protocolOtherThanTcpOrUdpIsRefused() {
        assertEquals("unknown protocol 'sctp'; expected tcp or udp",
                onlyError(GLOBAL + "services:\n  - {protocol: sctp, vip: 10.0.0.1, port: 80}\n").message());
        assertEquals("unknown protocol 'TCP'; expected tcp or udp (write it in lower case: tcp)",
                onlyError(GLOBAL + "services:\n  - {protocol: TCP, vip: 10.0.0.1, port: 80}\n").message());
    }

    @Test
    void workersOutOfRangeIsRefused() {
        ConfigError error = onlyError(GLOBAL + "  workers: 0\n");
        assertEquals("services.yaml:3 global.workers: must be 1..256, was 0", error.toString());
    }

    @Test
    void capacityIsAnyCountInRangeAndSaysTheRange() throws ConfigException {
        ConfigError error = onlyError(GLOBAL + "  connection-table-capacity: 512\n");
        assertEquals("global.connection-table-capacity", error.path());
        assertEquals("must be 1024..268435456, was 512", error.message());
        assertEquals("must be 1024..268435456, was 268435457",
                onlyError(GLOBAL + "  connection-table-capacity: 268435457\n").message());
        assertEquals(10_000_000, load(GLOBAL + "  connection-table-capacity: 10000000\n"
                + "services: []\n").global().connectionTableCapacity(), "not only powers of two: ten million");
    }

    @Test
    void zeroTimeoutIsRefusedWithTheIpvsadmMeaningExplained() {
        ConfigError error = onlyError(GLOBAL + "  timeouts: {tcp: 0}\n");
        assertEquals("global.timeouts.tcp", error.path());
        assertTrue(error.message().startsWith("must be 1..2678400 seconds, was 0 (ipvsadm --set reads 0 as"),
                error.message());
    }

    @Test
    void timeoutAboveRangeIsRefused() {
        assertEquals("must be 1..2678400 seconds, was 2678401",
                onlyError(GLOBAL + "  timeouts: {udp: 2678401}\n").message());
    }

    @Test
    void interfacesAreRequiredAndChecked() {
        assertEquals("missing key 'interfaces' in the global settings", onlyError("global: {workers: 1}\n").message());
        assertEquals("needs at least one interface name, such as [eth0]",
                onlyError("global: {interfaces: []}\n").message());
        assertEquals("interface 'eth0' is listed twice", onlyError("global: {interfaces: [eth0, eth0]}\n").message());
        ConfigError error = onlyError("global: {interfaces: [eth0, eth0:1]}\n");
        assertEquals("global.interfaces[1]", error.path());
        assertTrue(error.message().startsWith("not an interface name: 'eth0:1'"), error.message());
        assertTrue(onlyError("global: {interfaces: [averyveryverylongname]}\n").message()
                .startsWith("not an interface name"));
    }

    @Test
    void metricsCanBeTurnedOff() throws ConfigException {
        assertEquals(Optional.empty(), load(GLOBAL + "  metrics-listen: false\n").global().metricsListen());
    }

    @Test
    void badMetricsAddressIsRefused() {
        ConfigError error = onlyError(GLOBAL + "  metrics-listen: localhost:9180\n");
        assertEquals("not an address and port: 'localhost:9180'; expected ADDRESS:PORT such as 127.0.0.1:9180,"
                + " or false for no metrics endpoint", error.message());
        assertTrue(onlyError(GLOBAL + "  metrics-listen: 127.0.0.1:0\n").message().startsWith("not an address"));
    }

    @Test
    void relativeControlSocketIsRefused() {
        assertEquals("must be an absolute path such as /run/jlvs/jlvsd.sock, was 'jlvsd.sock'",
                onlyError(GLOBAL + "  control-socket: jlvsd.sock\n").message());
    }

    @Test
    void overlongControlSocketIsRefused() {
        String path = "/" + "d".repeat(107);
        assertEquals("is 108 bytes long; a Unix socket path holds at most 107",
                onlyError(GLOBAL + "  control-socket: " + path + "\n").message());
    }

    @Test
    void errorsOfEverySectionAreReportedTogetherInLineOrder() {
        List<ConfigError> errors = errors("global:\n  interfaces: [eth0]\n  workers: -1\n  timeouts: {tcp: x}\n"
                + "services:\n  - {protocol: tcp, vip: 1.2.3.4.5, port: 70000, scheduler: foo}\n"
                + "  - {fwmark: 3, servers: [{address: 10.0.0.1, weight: 1, method: gre}]}\n");
        assertEquals(List.of(3, 4, 6, 6, 6, 7), errors.stream().map(ConfigError::line).toList());
        assertEquals(List.of("global.workers", "global.timeouts.tcp", "services[0].vip", "services[0].port",
                "services[0].scheduler", "services[1].servers[0].method"),
                errors.stream().map(ConfigError::path).toList());
    }

    @Test
    void aliasesAreResolved() throws ConfigException {
        ServiceFile file = load(GLOBAL + "services:\n"
                + "  - {protocol: tcp, vip: 10.0.0.1, port: 80, servers: &rs [{address: 10.0.1.1}]}\n"
                + "  - {protocol: tcp, vip: 10.0.0.2, port: 80, servers: *rs}\n");
        assertEquals(file.services().get(0).servers(), file.services().get(1).servers());
    }

    @Test
    void mappingAsAKeyIsRefusedOnItsLine() {
        ConfigError error = onlyError(GLOBAL + "  {workers: 2}: 3\n");
        assertEquals(3, error.line());
        assertEquals("global", error.path());
        assertTrue(error.message().startsWith("a key must be a name, got a mapping"), error.message());
    }

    @Test
    void mergeKeysAreRefusedWithAReason() {
        ConfigError error = onlyError(GLOBAL + "services:\n  - &base {protocol: tcp, vip: 10.0.0.1, port: 80}\n"
                + "  - <<: *base\n    port: 81\n");
        assertEquals(5, error.line());
        assertEquals("services[1].<<", error.path());
        assertEquals("merge keys (<<) are not supported; write the keys out", error.message());
    }

    @Test
    void examplesLoadWithoutErrors() throws ConfigException {
        ServiceFile nat = loader.parse(resource("examples/nat.yaml"), "nat.yaml");
        assertEquals(2, nat.services().size());
        assertTrue(nat.services().stream().flatMap(s -> s.servers().stream())
                .allMatch(s -> s.method() == ForwardingMethod.MASQ));

        ServiceFile dr = loader.parse(resource("examples/dr.yaml"), "dr.yaml");
        assertEquals(new ServiceKey.Mark(1), dr.services().get(1).key());
        assertTrue(dr.services().stream().flatMap(s -> s.servers().stream())
                .allMatch(s -> s.method() == ForwardingMethod.ROUTE));

        ServiceFile tun = loader.parse(resource("examples/tun.yaml"), "tun.yaml");
        assertEquals(new Timeouts(900, 120, 60), tun.global().timeouts());
        assertTrue(tun.services().stream().flatMap(s -> s.servers().stream())
                .allMatch(s -> s.method() == ForwardingMethod.TUNNEL));
        assertFalse(tun.services().get(1).servers().isEmpty());
        assertEquals(53, tun.services().get(1).servers().get(0).port());
    }

    @Test
    void documentationShowsTheTestedExamplesUnchanged() throws IOException {
        // Surefire runs in the module directory; the page is at the repository root.
        Path doc = Path.of("..", "docs", "service-file.md");
        String text = Files.readString(doc);
        List<String> blocks = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf("```yaml\n", at)) >= 0) {
            int start = at + "```yaml\n".length();
            int end = text.indexOf("```", start);
            blocks.add(text.substring(start, end));
            at = end + 3;
        }
        assertEquals(List.of(resource("examples/nat.yaml"), resource("examples/dr.yaml"), resource("examples/tun.yaml")),
                blocks);
    }

    @Test
    void deeplyNestedYamlIsOneClearErrorNotAStackOverflow() {
        String yaml = "global: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        ConfigError e = onlyError(yaml);
        assertTrue(e.message().contains("nests deeper than a service file can"), e.message());
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedAfterReadingNoMoreThanIt(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(Path.of("/dev/zero")));
        assertEquals("/dev/zero: cannot read the service file: the file is larger than 2 MiB; jlvs reads no more",
                e.errors().getFirst().toString());
        ConfigException d = assertThrows(ConfigException.class, () -> loader.load(dir));
        assertTrue(d.errors().getFirst().message().endsWith("cannot read the service file: it is a directory"),
                d.errors().getFirst().toString());
    }

    @Test
    void realServerAddressesTheKernelRefusesAreErrors() {
        for (String address : List.of("0.0.0.0", "224.0.0.1", "255.255.255.255")) {
            ConfigError e = onlyError(service("    servers:\n      - address: " + address + "\n"));
            assertEquals("services[0].servers[0].address", e.path(), address);
            assertTrue(e.message().startsWith("not a real-server address: " + address + " is a "), e.message());
        }
    }
}
