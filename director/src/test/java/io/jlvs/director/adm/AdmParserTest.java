package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.model.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The ipvsadm 1.31 command line: every option in short and long form, the defaults of
 * IPVS-SEMANTICS §4.1, the replace semantics of edits, and each refusal with ipvsadm's
 * message and exit status (messages as printed by ipvsadm.c's fail() and popt).
 */
class AdmParserTest {
    private static final String TRY_HELP = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.";
    /** Service names as a test's services file has them: http and https for TCP, domain for UDP. */
    private static final ServicePorts PORTS = new ServicePorts((name, protocol) -> switch (name + "/" + protocol) {
        case "http/TCP" -> OptionalInt.of(80);
        case "https/TCP" -> OptionalInt.of(443);
        case "domain/UDP" -> OptionalInt.of(53);
        default -> OptionalInt.empty();
    });
    private final AdmParser parser = new AdmParser(PORTS);

    private AdmCommand ok(String line) {
        AdmResult result = parser.parse(Arrays.asList(line.split(" ")));
        if (result instanceof AdmResult.Failed failed) {
            throw new AssertionError(line + " was refused: " + failed.message());
        }
        return ((AdmResult.Parsed) result).command();
    }

    private void refused(String line, String message, int exitCode) {
        AdmResult result = parser.parse(Arrays.asList(line.split(" ")));
        AdmResult.Failed failed = assertInstanceOf(AdmResult.Failed.class, result, line);
        assertEquals(message, failed.message(), line);
        assertEquals(exitCode, failed.exitCode(), line);
    }

    private void refused(String line, String message) {
        refused(line, message, AdmResult.EXIT_BAD_OPTION);
    }

    private static int ip(String text) {
        return Ipv4.parse(text);
    }

    @Test
    void addServiceDefaultsToWlcWithoutPersistence() {
        AdmCommand command = ok("-A -t 192.168.10.100:80");
        assertEquals(AdmCommandKind.ADD_SERVICE, command.kind());
        assertEquals(ServiceRef.of(Protocol.TCP, ip("192.168.10.100"), 80), command.service().orElseThrow());
        assertEquals(ServiceOptions.DEFAULT, command.serviceOptions());
        assertEquals("wlc", command.serviceOptions().scheduler());
        assertFalse(command.serviceOptions().isPersistent());
        assertEquals(0xFFFFFFFF, command.serviceOptions().netmask());
    }

    @Test
    void persistentWithoutValueIs360Seconds() {
        assertEquals(360, ok("-A -t 10.0.0.1:0 -p").serviceOptions().persistenceSeconds());
        assertEquals(360, ok("-A -t 10.0.0.1:0 -p -s rr").serviceOptions().persistenceSeconds(),
                "an optional value never takes a word starting with -");
        assertEquals("rr", ok("-A -t 10.0.0.1:0 -p -s rr").serviceOptions().scheduler());
    }

    @ParameterizedTest
    @CsvSource({
        "-A -t 10.0.0.1:80 -p 600, 600",
        "-A -t 10.0.0.1:80 -p600, 600",
        "-A -t 10.0.0.1:80 --persistent=120, 120",
        "-A -t 10.0.0.1:80 --persistent 2678400, 2678400",
    })
    void persistentTakesAttachedOrSeparateValue(String line, int seconds) {
        assertEquals(seconds, ok(line).serviceOptions().persistenceSeconds());
    }

    @Test
    void persistentTimeoutOutsideRangeIsRefused() {
        refused("-A -t 10.0.0.1:80 -p 0", "invalid timeout value `0' specified");
        refused("-A -t 10.0.0.1:80 -p 2678401", "invalid timeout value `2678401' specified");
        refused("-A -t 10.0.0.1:80 -p 1m", "invalid timeout value `1m' specified");
    }

    @Test
    void allServiceOptionsInLongForm() {
        AdmCommand command = ok("--add-service --udp-service 10.0.0.1:53 --scheduler sh --persistent 300"
                + " --netmask 255.255.255.0 --sched-flags sh-port,sh-fallback --pe sip --ops");
        assertEquals(ServiceRef.of(Protocol.UDP, ip("10.0.0.1"), 53), command.service().orElseThrow());
        assertEquals(new ServiceOptions("sh", 0x18, 300, ip("255.255.255.0"), "sip", true), command.serviceOptions());
    }

    @Test
    void shortServiceOptions() {
        AdmCommand command = ok("-A -u 10.0.0.1:53 -s mh -p 30 -M 255.255.0.0 -b mh-port -o");
        assertEquals(new ServiceOptions("mh", 0x10, 30, ip("255.255.0.0"), "", true), command.serviceOptions());
    }

    @Test
    void sctpAndFwmarkServices() {
        assertEquals(ServiceRef.of(Protocol.SCTP, ip("10.0.0.1"), 9), ok("-A --sctp-service 10.0.0.1:9").service()
                .orElseThrow());
        AdmCommand mark = ok("-A -f 4294967295 -s rr");
        assertEquals(ServiceRef.ofMark(-1), mark.service().orElseThrow());
        assertEquals(ServiceRef.ofMark(1), ok("--add-service --fwmark-service 1").service().orElseThrow());
        refused("-A -f 0", "invalid fwmark value `0' specified");
        refused("-A -f 4294967296", "invalid fwmark value `4294967296' specified");
    }

    @Test
    void editServiceReplacesEverySetting() {
        AdmCommand edit = ok("-E -t 10.0.0.1:80");
        assertEquals(AdmCommandKind.EDIT_SERVICE, edit.kind());
        assertEquals(ServiceOptions.DEFAULT, edit.serviceOptions(), "no -s means wlc, no -p means not persistent");
        assertEquals(new ServiceOptions("wlc", 0, 360, 0xFFFFFFFF, "", false),
                ok("-E -t 10.0.0.1:80 -p").serviceOptions());
    }

    @Test
    void addServerDefaultsToDirectRoutingWeightOne() {
        ServerOptions server = ok("-a -t 10.0.0.1:80 -r 192.168.1.1").server().orElseThrow();
        assertEquals(ServerOptions.of(ip("192.168.1.1"), 80), server);
        assertEquals(ForwardingMethod.ROUTE, server.method());
        assertEquals(1, server.weight());
        assertEquals(0, server.upperThreshold());
        assertEquals(0, server.lowerThreshold());
    }

    @Test
    void directRoutingAndTunnelForceTheServicePort() {
        assertEquals(80, ok("-a -t 10.0.0.1:80 -r 192.168.1.1:8080").server().orElseThrow().port());
        assertEquals(80, ok("-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -g").server().orElseThrow().port());
        assertEquals(80, ok("-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -i").server().orElseThrow().port());
        assertEquals(8080, ok("-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -m").server().orElseThrow().port());
        assertEquals(8080, ok("-a -f 3 -r 192.168.1.1:8080 -g").server().orElseThrow().port(),
                "fwmark services keep the server port");
    }

    @Test
    void serverWithoutPortTakesThePortOfTheServiceGivenBeforeIt() {
        assertEquals(80, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -m").server().orElseThrow().port());
        assertEquals(0, ok("-a -r 192.168.1.1 -t 10.0.0.1:80 -m").server().orElseThrow().port(),
                "ipvsadm copies the service port at the time -r is read");
    }

    @Test
    void allServerOptionsInLongForm() {
        AdmCommand command = ok("--add-server --tcp-service 10.0.0.1:80 --real-server 192.168.1.1:8080"
                + " --masquerading --weight 5 --u-threshold 100 --l-threshold 50");
        assertEquals(new ServerOptions(ip("192.168.1.1"), 8080, ForwardingMethod.MASQ, 5, 100, 50, TunnelType.IPIP,
                0, TunnelChecksum.NOCSUM), command.server().orElseThrow());
        assertEquals(ForwardingMethod.TUNNEL, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 --ipip").server().orElseThrow()
                .method());
        assertEquals(ForwardingMethod.ROUTE, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 --gatewaying").server()
                .orElseThrow().method());
        assertEquals(7, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -w7").server().orElseThrow().weight());
        assertEquals(7, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 --weight=7").server().orElseThrow().weight());
    }

    @Test
    void editServerReplacesMethodAndWeight() {
        ServerOptions server = ok("-e -t 10.0.0.1:80 -r 192.168.1.1:80 -w 0").server().orElseThrow();
        assertEquals(ForwardingMethod.ROUTE, server.method(), "without -m an edit makes a NAT server DR");
        assertEquals(0, server.weight());
        assertEquals(1, ok("--edit-server -t 10.0.0.1:80 -r 192.168.1.1:80 -m").server().orElseThrow().weight());
    }

    @Test
    void deleteServerKeepsTheGivenPort() {
        AdmCommand command = ok("-d -t 10.0.0.1:80 -r 192.168.1.1:8080");
        assertEquals(AdmCommandKind.DELETE_SERVER, command.kind());
        assertEquals(8080, command.server().orElseThrow().port());
        assertEquals(80, ok("--delete-server -t 10.0.0.1:80 -r 192.168.1.1").server().orElseThrow().port());
    }

    @ParameterizedTest
    @CsvSource({
        "-w 65536", "-w -1", "-w abc", "-w 1.5", "-w 0x10",
    })
    void weightOutsideRangeIsIllegal(String option) {
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 " + option, "illegal weight specified");
    }

    @Test
    void weightBoundsAreAccepted() {
        assertEquals(0, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -w 0").server().orElseThrow().weight());
        assertEquals(65535, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -w 65535").server().orElseThrow().weight());
        assertEquals(12, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -w +12").server().orElseThrow().weight(),
                "strtol accepts a sign");
    }

    @Test
    void thresholdValuesAreChecked() {
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -x -1", "illegal u_threshold specified");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -y 2147483648", "illegal l_threshold specified");
    }

    @Test
    void optionGivenTwiceIsRefusedByItsIpvsadmName() {
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -g -m", "multiple 'forwarding-method' options specified");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -w 1 -w 2", "multiple 'weight' options specified");
        refused("-A -t 10.0.0.1:80 -u 10.0.0.1:80", "multiple 'service-address' options specified");
        refused("-Lnn", "multiple 'numeric' options specified");
        assertTrue(ok("-L --sort --sort").options().isEmpty(), "--sort is a no-op, even twice");
    }

    @Test
    void combinedShortFlags() {
        AdmCommand ln = ok("-Ln");
        assertEquals(AdmCommandKind.LIST, ln.kind());
        assertEquals(Set.of(AdmOption.NUMERIC), ln.options());
        assertEquals(Set.of(AdmOption.NUMERIC, AdmOption.CONNECTION), ok("-Lnc").options());
        AdmCommand sn = ok("-Sn");
        assertEquals(AdmCommandKind.SAVE, sn.kind());
        assertEquals(Set.of(AdmOption.NUMERIC), sn.options());
        assertEquals(AdmCommandKind.LIST, ok("-ln").kind());
        assertEquals(Set.of(AdmOption.NUMERIC), ok("--list --numeric").options());
        assertEquals(80, ok("-At10.0.0.1:80").service().orElseThrow().port(), "a value may end a cluster");
    }

    @Test
    void listFormatsFromOptions() {
        AdmCommand command = ok("-L -n --stats --exact --nosort -t 10.0.0.1:80");
        assertEquals(new ListFormat(true, true, false, false, false, false, true, true), command.listFormat());
        assertTrue(ok("-L --rate").listFormat().rate());
        assertTrue(ok("-L --thresholds").listFormat().thresholds());
        assertTrue(ok("-L --persistent-conn").listFormat().persistentConn());
        assertTrue(ok("-L --tun-info").listFormat().tunnelInfo());
        assertTrue(ok("-L -X").listFormat().exact());
        assertTrue(ok("-L --timeout").has(AdmOption.TIMEOUT));
        assertTrue(ok("-L --daemon").has(AdmOption.DAEMON));
    }

    @Test
    void listConflicts() {
        refused("-Lnc --stats", "options conflicts in the list command");
        refused("-L -c --rate", "options conflicts in the list command");
        refused("-L --timeout --thresholds", "options conflicts in the list command");
        refused("-L --timeout --persistent-conn", "options conflicts in the list command");
        refused("-L -c -t 10.0.0.1:80",
                "The option 'service-address' conflicts with the 'connection' option in the 'list' command");
        refused("-L -c --timeout", "The option 'timeout' conflicts with the 'connection' option in the 'list' command");
        assertTrue(ok("-Lnc --persistent-conn").has(AdmOption.PERSISTENT_CONN));
    }

    @Test
    void zeroPortNeedsPersistence() {
        refused("-A -t 10.0.0.1", "Zero port specified for non-persistent service");
        refused("-E -t 10.0.0.1:0 -s rr", "Zero port specified for non-persistent service");
        assertEquals(0, ok("-A -t 10.0.0.1 -p").service().orElseThrow().port());
        assertEquals(0, ok("-a -t 10.0.0.1 -r 192.168.1.1 -m").service().orElseThrow().port(),
                "a server command may name a port-0 service");
    }

    @Test
    void onePacketSchedulingOnlyForUdp() {
        refused("-A -t 10.0.0.1:80 -o", "One-Packet Scheduling is only for UDP virtual services");
        assertTrue(ok("-A -f 2 -o").serviceOptions().onePacket(), "fwmark services may use -o");
    }

    @Test
    void schedulerFlagsMustSuitTheScheduler() {
        refused("-A -t 10.0.0.1:80 -s rr -b sh-port", "incompatible scheduler flag `sh-port'");
        refused("-A -t 10.0.0.1:80 -b mh-fallback", "incompatible scheduler flag `mh-fallback'");
        refused("-A -t 10.0.0.1:80 -s sh -b sh-port,bogus", "invalid scheduler flag `bogus'");
        assertEquals(0x38, ok("-A -t 10.0.0.1:80 -s wrr -b flag-1,flag-2,flag-3").serviceOptions().schedulerFlags());
        assertEquals(0x08, ok("-A -t 10.0.0.1:80 -b sh-fallback -s sh").serviceOptions().schedulerFlags(),
                "the flags are checked against the scheduler wherever -s stands");
    }

    @Test
    void schedulerNameIsCutTo15Characters() {
        assertEquals("abcdefghijklmno", ok("-A -t 10.0.0.1:80 -s abcdefghijklmnopq").serviceOptions().scheduler());
    }

    @Test
    void commandOptionLegality() {
        refused("-a -t 10.0.0.1:80", "You need to supply the 'real-server' option for the 'add-server' command");
        refused("-e -t 10.0.0.1:80 -w 2", "You need to supply the 'real-server' option for the 'edit-server' command");
        refused("-d -t 10.0.0.1:80", "You need to supply the 'real-server' option for the 'delete-server' command");
        refused("-A -s rr", "You need to supply the 'service-address' option for the 'add-service' command");
        refused("-d -t 10.0.0.1:80 -r 192.168.1.1 -w 2", "Illegal 'weight' option with the 'delete-server' command");
        refused("-A -t 10.0.0.1:80 -r 192.168.1.1", "Illegal 'real-server' option with the 'add-service' command");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -s rr", "Illegal 'scheduler' option with the 'add-server' command");
        refused("-D -t 10.0.0.1:80 -s rr", "Illegal 'scheduler' option with the 'delete-service' command");
        refused("-C -n", "Illegal 'numeric' option with the 'flush' command");
        refused("-Z -n", "Illegal 'numeric' option with the 'zero' command");
        refused("-S -c", "Illegal 'connection' option with the 'save' command");
        refused("-A -t 10.0.0.1:80 -n", "Illegal 'numeric' option with the 'add-service' command");
        refused("-L --mcast-interface eth0", "Illegal 'mcast-interface' option with the 'list' command");
        assertTrue(ok("-L --syncid 3").has(AdmOption.SYNCID), "ipvsadm lets -L take --syncid");
        refused("-L --syncid 256", "illegal syncid specified");
    }

    @Test
    void simpleCommands() {
        assertEquals(AdmCommandKind.FLUSH, ok("-C").kind());
        assertEquals(AdmCommandKind.FLUSH, ok("--clear").kind());
        assertEquals(AdmCommandKind.DELETE_SERVICE, ok("--delete-service -u 10.0.0.1:53").kind());
        assertEquals(AdmCommandKind.EDIT_SERVICE, ok("--edit-service -t 10.0.0.1:80").kind());
        assertEquals(AdmCommandKind.ZERO, ok("-Z").kind());
        assertTrue(ok("--zero -t 10.0.0.1:80").service().isPresent());
        assertEquals(AdmCommandKind.SAVE, ok("--save").kind());
        assertEquals(AdmCommandKind.RESTORE, ok("-R").kind());
        assertEquals(AdmCommandKind.RESTORE, ok("--restore").kind());
        assertEquals(AdmCommandKind.HELP, ok("-h").kind());
        assertEquals(AdmCommandKind.HELP, ok("--help -t bad").kind(), "help ends parsing at once");
        assertEquals(AdmCommandKind.VERSION, ok("-v").kind());
        assertEquals(AdmCommandKind.VERSION, ok("--version").kind());
    }

    @Test
    void noArgumentsListsLikeIpvsadm() {
        AdmResult result = parser.parse(List.of());
        AdmCommand command = assertInstanceOf(AdmResult.Parsed.class, result).command();
        assertEquals(AdmCommandKind.LIST, command.kind());
        assertFalse(command.listFormat().numeric());
    }

    @Test
    void setTakesThreeTimeouts() {
        assertEquals(new TimeoutValues(900, 120, 300), ok("--set 900 120 300").timeouts().orElseThrow());
        assertEquals(new TimeoutValues(0, 0, 2678400), ok("--set 0 0 2678400").timeouts().orElseThrow(),
                "0 keeps the current value");
        refused("--set 900 120", "--set option requires 3 timeout values");
        refused("--set 900 120 x", "invalid timeout value `x' specified");
        refused("--set 900 120 2678401", "invalid timeout value `2678401' specified");
        refused("--set 1 2 3 4", "unexpected argument 4");
        refused("--set 1 2 3 -n", "Illegal 'numeric' option with the 'set' command");
    }

    @Test
    void setZeroKeepsTheCurrentTimeout() {
        Timeouts current = new Timeouts(900, 120, 300);
        assertEquals(new Timeouts(900, 60, 300), new TimeoutValues(0, 60, 0).appliedTo(current));
        assertEquals(new Timeouts(7200, 120, 10), new TimeoutValues(7200, 0, 10).appliedTo(current));
        assertEquals(current, new TimeoutValues(0, 0, 0).appliedTo(current));
    }

    @Test
    void firstOptionMustBeACommand() {
        refused("-t 10.0.0.1:80 -A", TRY_HELP, AdmResult.EXIT_TRY_HELP);
        refused("--bogus", TRY_HELP, AdmResult.EXIT_TRY_HELP);
        refused("words only", TRY_HELP, AdmResult.EXIT_TRY_HELP);
        AdmResult named = new AdmParser("jlvsadm").parse("-n");
        assertEquals("Try `jlvsadm -h' or 'jlvsadm --help' for more information.",
                assertInstanceOf(AdmResult.Failed.class, named).message());
    }

    @Test
    void secondCommandIsAnInvalidOption() {
        refused("-A -E -t 10.0.0.1:80", "invalid option `-E'");
        refused("-A -t 10.0.0.1:80 -S wrr", "invalid option `-S'");
    }

    @Test
    void optionSyntaxErrorsAreReportedAsPopt() {
        refused("-A --bogus", "--bogus: unknown option", AdmResult.EXIT_TRY_HELP);
        refused("-A -q", "-q: unknown option", AdmResult.EXIT_TRY_HELP);
        refused("-A -t", "-t: missing argument", AdmResult.EXIT_TRY_HELP);
        refused("-A --tcp-service", "--tcp-service: missing argument", AdmResult.EXIT_TRY_HELP);
        refused("-L --stats=1", "--stats=1: option does not take an argument", AdmResult.EXIT_TRY_HELP);
    }

    @Test
    void strayWordsAreUnexpected() {
        refused("-C foo", "unexpected argument foo");
        refused("-A foo -t 10.0.0.1:80", "unexpected argument foo");
        refused("-A -t 10.0.0.1:80 -- -s", "unexpected argument -s");
    }

    @Test
    void illegalAddressesAreRefused() {
        refused("-A -t 10.0.0.300:80", "illegal virtual server address[:port] specified");
        refused("-A -t www.example.com:80", "illegal virtual server address[:port] specified");
        refused("-A -t 10.0.0.1:nosuchservice", "illegal virtual server address[:port] specified");
        refused("-A -u 10.0.0.1:https", "illegal virtual server address[:port] specified");
        refused("-A -t 10.0.0.1:65536", "illegal virtual server address[:port] specified");
        refused("-A -t 8080", "illegal virtual server address[:port] specified");
        refused("-A -t [::1]:80", "IPv6 is not supported yet (jlvs balances IPv4 only): virtual server address [::1]:80");
        refused("-a -t 10.0.0.1:80 -r 80", "illegal real server address[:port] specified");
        refused("-A -t 10.0.0.1:80 -p -M 24", "illegal virtual server persistent mask specified");
    }

    @Test
    void servicePortNamesResolveForTheServiceProtocol() {
        AdmCommand service = ok("-A -t 10.0.0.1:http -s rr");
        assertEquals(ServiceRef.of(Protocol.TCP, ip("10.0.0.1"), 80), service.service().orElseThrow());
        assertEquals(ServiceRef.of(Protocol.UDP, ip("10.0.0.1"), 53), ok("-A -u 10.0.0.1:domain").service().orElseThrow());
        AdmCommand server = ok("-a -t 10.0.0.1:http -r 10.0.1.1:https -m");
        assertEquals(443, server.server().orElseThrow().port());
        refused("-a -u 10.0.0.1:domain -r 10.0.1.1:http -m", "illegal real server address[:port] specified");
    }

    @Test
    void ipv6IsRefused() {
        refused("-A -t 10.0.0.1:80 -6", "-6 used before -f\n");
        refused("-A -f 1 -6", "IPv6 is not supported yet (jlvs balances IPv4 only): fwmark service 1 with -6");
    }

    @Test
    void syncDaemonIsRecognisedAndRefused() {
        refused("--start-daemon master", "the connection synchronisation daemon is not supported by jlvs");
        refused("--start-daemon primary", "illegal start-daemon parameter specified");
        refused("--stop-daemon primary", "illegal start_daemon specified");
    }

    @Test
    void syncDaemonOptionValuesAreCheckedBeforeTheirLegality() {
        refused("-L --mcast-group 10.0.0.1", "invalid IPv4 mcast-group `10.0.0.1'");
        refused("-L --mcast-group fe80::1", "invalid IPv6 mcast-group `fe80::1'");
        refused("-L --mcast-group 224.0.0.81", "Illegal 'mcast-group' option with the 'list' command");
        refused("-L --mcast-port 0", "illegal mcast-port specified");
        refused("-L --mcast-port 8848", "Illegal 'mcast-port' option with the 'list' command");
        refused("-L --mcast-ttl 256", "illegal mcast-ttl specified");
        refused("-L --sync-maxlen 65508", "illegal sync-maxlen specified");
        refused("-L --sync-maxlen 1472", "Illegal 'sync-maxlen' option with the 'list' command");
    }

    @Test
    void tunnelOptionsFollowTheTunnelTypeTable() {
        ServerOptions gue = ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gue --tun-port 6080 --tun-csum")
                .server().orElseThrow();
        assertEquals(TunnelType.GUE, gue.tunnelType());
        assertEquals(6080, gue.tunnelPort());
        assertEquals(TunnelChecksum.CSUM, gue.tunnelChecksum());
        assertEquals(TunnelChecksum.REMCSUM, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gue --tun-port 1"
                + " --tun-remcsum").server().orElseThrow().tunnelChecksum());
        assertEquals(TunnelType.GRE, ok("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gre --tun-nocsum").server()
                .orElseThrow().tunnelType());
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -m --tun-type gue", "Tunnel options conflict with forward method");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gue",
                "You need to supply the 'tun-port' option for the 'gue' tunnel type");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gue --tun-port 1 --tun-csum --tun-remcsum",
                "The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gre --tun-port 1",
                "Illegal 'tun-port' option with the 'gre' tunnel type");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-csum",
                "Illegal 'tun-csum' option with the 'ipip' tunnel type");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type vxlan", "illegal tunnel type specified");
        refused("-a -t 10.0.0.1:80 -r 192.168.1.1 -i --tun-type gue --tun-port 0", "illegal tunnel port specified");
    }

    @Test
    void ipv6AddressesAreRefusedAsNotSupportedYet() {
        AdmResult r = new AdmParser().parse(List.of("-A", "-t", "[2001:db8::1]:80"));
        assertTrue(r instanceof AdmResult.Failed f
                && f.message().contains("IPv6 is not supported yet (jlvs balances IPv4 only): virtual server address"
                        + " [2001:db8::1]:80"), r.toString());
        AdmResult s = new AdmParser().parse(List.of("-a", "-t", "10.0.0.1:80", "-r", "2001:db8::2"));
        assertTrue(s instanceof AdmResult.Failed f && f.message().contains("real server address 2001:db8::2"),
                s.toString());
    }

    @Test
    void addressesAreReadAsInetAtonReadsThem() {
        AdmResult r = new AdmParser().parse(List.of("-a", "-t", "192.168.10.0100:80", "-r", "192.168.188.010:80"));
        assertTrue(r instanceof AdmResult.Parsed, r.toString());
        AdmCommand command = ((AdmResult.Parsed) r).command();
        assertEquals(Ipv4.parse("192.168.10.64"), command.service().orElseThrow().address());
        assertEquals(Ipv4.parse("192.168.188.8"), command.server().orElseThrow().address());
    }
}
