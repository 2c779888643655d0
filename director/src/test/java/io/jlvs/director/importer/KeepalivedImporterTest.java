package io.jlvs.director.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.ConfigException;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * keepalived.conf to service file. Expected values are read from the configuration text and
 * keepalived's documented semantics (retry N: down after N + 1 failures; no
 * inhibit_on_failure: removal; defaults delay_loop 60 s, connect_timeout 5 s, retry 1).
 */
class KeepalivedImporterTest {
    private static final GlobalSettings GLOBAL = GlobalSettings.defaults(List.of("eth0"));

    private static ImportResult translate(String text) {
        return KeepalivedImporter.translate(text, "keepalived.conf", GLOBAL);
    }

    private static RealServerSpec server(String address, int port, int weight, ForwardingMethod method, int upper,
                                         int lower) {
        return new RealServerSpec(Ipv4.parse(address), port, weight, method, upper, lower);
    }

    @Test
    void translatesRealisticConfiguration() throws ConfigException {
        ImportResult result = translate(ImportFixtures.resource(getClass(), "keepalived.conf"));
        assertEquals(List.of(), result.errors());
        ServiceFile file = result.file().orElseThrow();
        assertEquals(4, file.services().size());

        ServiceSpec web = file.services().get(0);
        assertEquals(new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 80), web.key());
        assertEquals("wrr", web.scheduler());
        assertEquals(Optional.empty(), web.persistence());
        assertEquals(List.of(server("192.168.188.81", 8080, 3, ForwardingMethod.MASQ, 0, 0),
                server("192.168.188.82", 8080, 1, ForwardingMethod.MASQ, 0, 0)), web.servers());
        // nb_get_retry 2 -> down after 3 failures; inhibit_on_failure -> quiesce; delay_loop 6 s.
        assertEquals(Optional.of(new HealthCheck(HealthCheck.Type.HTTP, 8081, "/health", 200, 6_000, 3_000, 3, 1,
                HealthCheck.Action.QUIESCE)), web.healthCheck());

        ServiceSpec db = file.services().get(1);
        assertEquals(new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.188.100"), 3306), db.key());
        assertEquals("wlc", db.scheduler());
        assertEquals(Optional.of(new Persistence(600, Ipv4.parse("255.255.255.0"))), db.persistence());
        assertEquals(List.of(server("192.168.188.81", 3306, 2, ForwardingMethod.ROUTE, 0, 0),
                server("192.168.188.82", 3306, 1, ForwardingMethod.ROUTE, 1000, 800)), db.servers());
        assertEquals(Optional.of(new HealthCheck(HealthCheck.Type.TCP, 0, "/", 200, 10_000, 4_000, 4, 1,
                HealthCheck.Action.REMOVE)), db.healthCheck());

        ServiceSpec dns = file.services().get(2);
        assertEquals(new ServiceKey.Address(Protocol.UDP, Ipv4.parse("192.168.188.100"), 53), dns.key());
        assertEquals("rr", dns.scheduler());
        assertEquals(List.of(server("192.168.200.81", 53, 1, ForwardingMethod.TUNNEL, 0, 0),
                server("192.168.200.82", 53, 1, ForwardingMethod.TUNNEL, 0, 0)), dns.servers());
        assertEquals(Optional.empty(), dns.healthCheck());

        ServiceSpec https = file.services().get(3);
        assertEquals(new ServiceKey.Mark(1), https.key());
        assertEquals("mh", https.scheduler());
        assertEquals(Optional.of(new Persistence(1800, Persistence.DEFAULT_NETMASK)), https.persistence());
        // DR servers of a fwmark service keep the client's port: keepalived clears the 443.
        assertEquals(List.of(server("192.168.188.81", 0, 1, ForwardingMethod.ROUTE, 0, 0),
                server("192.168.188.82", 0, 2, ForwardingMethod.ROUTE, 0, 0)), https.servers());
        assertEquals(Optional.empty(), https.healthCheck());

        assertEquals(file, ImportFixtures.roundTrip(file));
    }

    @Test
    void reportsWhatIsNotTranslatedWithItsLine() {
        ImportResult result = translate(ImportFixtures.resource(getClass(), "keepalived.conf"));
        List<String> notes = result.notes();
        assertEquals("keepalived.conf:31: sorry_server is not translated", notes.get(0));
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("keepalived.conf:44: delay_before_retry is not translated")),
                notes.toString());
        assertTrue(notes.contains("keepalived.conf:53: url has no status_code: keepalived accepts any 2xx status,"
                + " jlvs expects 200"), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("keepalived.conf:77: SSL_GET is not translated")),
                notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("keepalived.conf:115: SSL_GET is not translated")),
                notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("keepalived.conf:113: real_server 192.168.188.81 443")),
                notes.toString());
        assertEquals(List.of("keepalived.conf:3: global_defs, vrrp_instance: VRRP and global sections are not part"
                + " of jlvs; ignored"), result.infos());
        assertEquals(ImportResult.EXIT_PARTIAL, result.exitCode());
    }

    @Test
    void appliesKeepalivedDefaults() {
        ImportResult result = translate("""
                virtual_server 10.0.0.1 80 {
                    real_server 10.0.1.1 80 {
                        TCP_CHECK {
                        }
                    }
                }
                """);
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        // No protocol: keepalived (and the kernel) use UDP; no lb_algo: wlc; no lb_kind: NAT.
        assertEquals(new ServiceKey.Address(Protocol.UDP, Ipv4.parse("10.0.0.1"), 80), service.key());
        assertEquals("wlc", service.scheduler());
        assertEquals(List.of(server("10.0.1.1", 80, 1, ForwardingMethod.MASQ, 0, 0)), service.servers());
        assertEquals(Optional.of(new HealthCheck(HealthCheck.Type.TCP, 0, "/", 200, 60_000, 5_000, 2, 1,
                HealthCheck.Action.REMOVE)), service.healthCheck());
        assertEquals(List.of("keepalived.conf:1: virtual_server 10.0.0.1 80 has no protocol; keepalived (and the"
                + " kernel) make it UDP, so it is UDP here too"), result.notes());
    }

    @Test
    void inheritsCheckSettingsFromServiceAndServerAndKeepsDifferentChecksPerServer() throws ConfigException {
        ImportResult result = translate("""
                virtual_server 10.0.0.1 80 {
                    protocol TCP
                    lvs_method DR
                    delay_loop 2.5
                    retry 4
                    inhibit_on_failure
                    real_server 10.0.1.1 80 {
                        connect_timeout 1
                        HTTP_GET {
                            url {
                                path /a
                                status_code 204
                            }
                            url {
                                path /b
                            }
                        }
                        TCP_CHECK {
                        }
                    }
                    real_server 10.0.1.2 80 {
                        weight 0
                    }
                }
                """);
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        assertEquals(Optional.empty(), service.healthCheck());
        assertEquals(Optional.of(new HealthCheck(HealthCheck.Type.HTTP, 0, "/a", 204, 2_500, 1_000, 5, 1,
                HealthCheck.Action.QUIESCE)), service.servers().get(0).healthCheck());
        assertEquals(Optional.empty(), service.servers().get(1).healthCheck());
        assertEquals(0, service.servers().get(1).weight());
        assertEquals(List.of("keepalived.conf:14: url is not translated: jlvs checks one url, the one of line 10",
                "keepalived.conf:18: TCP_CHECK is not translated: jlvs runs one check per real server, the HTTP_GET"
                        + " of line 9"), result.notes());
        assertEquals(result.file().orElseThrow(), ImportFixtures.roundTrip(result.file().orElseThrow()));
    }

    @Test
    void readsInhibitOnFailureAsBooleanAndNotesProtocolOfFwmarkService() {
        ImportResult result = translate("""
                virtual_server fwmark 7 {
                    protocol TCP
                    lb_kind DR
                    inhibit_on_failure true
                    real_server 10.0.1.1 0 {
                        inhibit_on_failure false
                        TCP_CHECK {
                        }
                    }
                }
                """);
        ServiceSpec service = result.file().orElseThrow().services().getFirst();
        assertEquals(HealthCheck.Action.REMOVE, service.healthCheck().orElseThrow().action());
        assertEquals(List.of("keepalived.conf:1: protocol is ignored for a fwmark service (as keepalived ignores it)"),
                result.notes());
    }

    @Test
    void reportsIncludeVirtualServerGroupAndSctp() {
        ImportResult result = translate("""
                include /etc/keepalived/other.conf
                virtual_server_group G {
                    10.0.0.1 80
                }
                virtual_server group G {
                    real_server 10.0.1.1 80 {
                    }
                }
                virtual_server 10.0.0.2 3868 {
                    protocol SCTP
                    real_server 10.0.1.1 3868 {
                    }
                }
                """);
        assertEquals(List.of(), result.file().orElseThrow().services());
        assertEquals(List.of(
                "keepalived.conf:1: include /etc/keepalived/other.conf is not followed; import that file on its own",
                "keepalived.conf:2: virtual_server_group is not translated",
                "keepalived.conf:5: virtual_server group G is not translated (virtual_server_group is not supported);"
                        + " service left out",
                "keepalived.conf:10: protocol SCTP is not supported; service left out"), result.notes());
    }

    @Test
    void refusesUnbalancedBraceWithItsLine() {
        ImportResult result = translate(ImportFixtures.resource(getClass(), "unbalanced.conf"));
        assertEquals(ImportResult.EXIT_ERROR, result.exitCode());
        assertEquals(List.of("keepalived.conf:1: the block opened here is not closed: a '}' is missing"),
                result.errors());
    }

    @Test
    void refusesRealServerWithoutPort() {
        ImportResult result = translate("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.1.1 {\n  }\n}\n");
        assertEquals(List.of("keepalived.conf:3: real_server 10.0.1.1 has no port; expected real_server ADDRESS PORT"),
                result.errors());
        assertEquals(Optional.empty(), result.file());
    }

    @Test
    void refusesBadAddress() {
        ImportResult result = translate("virtual_server 10.0.0.300 80 {\n  real_server 10.0.1.1 80\n}\n");
        assertEquals(List.of("keepalived.conf:1: virtual_server address '10.0.0.300' is not an IPv4 address"),
                result.errors());
    }

    @Test
    void refusesUnknownLbKind() {
        ImportResult result = translate("virtual_server 10.0.0.1 80 {\n  lb_kind MASQ\n  real_server 10.0.1.1 80\n}\n");
        assertEquals(List.of("keepalived.conf:2: lb_kind must be NAT, DR or TUN, was 'MASQ'"), result.errors());
        assertEquals(ImportResult.EXIT_ERROR, result.exitCode());
    }

    @Test
    void readsDelayLoopAsTheServiceFileReadsIntervals() {
        ImportResult result = translate("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  delay_loop 0.0005\n"
                + "  real_server 10.0.1.1 80 {\n    TCP_CHECK {\n      connect_timeout 0.25\n    }\n  }\n}\n");
        assertEquals(List.of("keepalived.conf:3: delay_loop: has more than three decimals: 0.0005; the finest step"
                + " is 0.001 seconds"), result.errors());
        ImportResult fine = translate("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  delay_loop 1.5\n"
                + "  real_server 10.0.1.1 80 {\n    TCP_CHECK {\n      connect_timeout 0.25\n    }\n  }\n}\n");
        HealthCheck check = fine.file().orElseThrow().services().getFirst().healthCheck().orElseThrow();
        assertEquals(1_500, check.intervalMs());
        assertEquals(250, check.timeoutMs());
    }
}
