package io.jlvs.config.yaml;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceFileDiff;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code health-check} blocks of a service file: defaults, overrides, validation, writing and diffs. */
class HealthCheckConfigTest {
    private static final String HEAD = """
            global:
              interfaces: [eth0]
            services:
              - protocol: tcp
                vip: 192.168.10.100
                port: 80
            """;

    private final ServiceFileLoader loader = new ServiceFileLoader();

    private ServiceFile load(String yaml) throws ConfigException {
        return loader.parse(yaml, "services.yaml");
    }

    private List<String> errors(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void emptyBlockGivesTheDocumentedDefaults() throws ConfigException {
        ServiceSpec service = load(HEAD + """
                    health-check: {}
                    servers:
                      - address: 192.168.188.81
                """).services().getFirst();
        HealthCheck check = service.healthCheck().orElseThrow();
        assertEquals(new HealthCheck(HealthCheck.Type.TCP, 0, "/", 200, 5000, 3000, 3, 1, HealthCheck.Action.QUIESCE),
                check);
        assertEquals(Optional.of(check), service.healthCheckOf(service.servers().getFirst()));
        assertEquals(80, check.portFor(service.servers().getFirst().port()));
    }

    @Test
    void serviceWithoutBlockHasNoCheck() throws ConfigException {
        ServiceSpec service = load(HEAD + """
                    servers:
                      - address: 192.168.188.81
                """).services().getFirst();
        assertTrue(service.healthCheck().isEmpty());
        assertTrue(service.healthCheckOf(service.servers().getFirst()).isEmpty());
    }

    @Test
    void serverKeysOverrideTheServiceBlock() throws ConfigException {
        ServiceSpec service = load(HEAD + """
                    health-check:
                      type: http
                      path: /health
                      expect-status: 204
                      interval: 0.2
                      timeout: 0.15
                      retries: 2
                      rise: 2
                      action: remove
                    servers:
                      - address: 192.168.188.81
                      - address: 192.168.188.82
                        health-check:
                          port: 8080
                          interval: 1
                """).services().getFirst();
        HealthCheck serviceCheck = new HealthCheck(HealthCheck.Type.HTTP, 0, "/health", 204, 200, 150, 2, 2,
                HealthCheck.Action.REMOVE);
        assertEquals(Optional.of(serviceCheck), service.healthCheck());
        RealServerSpec rs1 = service.servers().get(0);
        RealServerSpec rs2 = service.servers().get(1);
        assertEquals(Optional.of(serviceCheck), service.healthCheckOf(rs1));
        assertEquals(Optional.of(new HealthCheck(HealthCheck.Type.HTTP, 8080, "/health", 204, 1000, 150, 2, 2,
                HealthCheck.Action.REMOVE)), service.healthCheckOf(rs2));
    }

    @Test
    void serverBlockWithoutServiceBlockStartsFromTheDefaults() throws ConfigException {
        ServiceSpec service = load(HEAD + """
                    servers:
                      - address: 192.168.188.81
                        health-check: {retries: 5}
                      - address: 192.168.188.82
                """).services().getFirst();
        assertEquals(5, service.healthCheckOf(service.servers().get(0)).orElseThrow().retries());
        assertEquals(HealthCheck.DEFAULT.intervalMs(), service.healthCheckOf(service.servers().get(0))
                .orElseThrow().intervalMs());
        assertTrue(service.healthCheckOf(service.servers().get(1)).isEmpty());
    }

    @Test
    void badValuesAreReportedTogetherWithLineAndPath() {
        List<String> errors = errors(HEAD + """
                    health-check:
                      type: icmp
                      interval: 0
                      timeout: 0.0005
                      retries: 0
                      action: drop
                      expect-status: 999
                      colour: red
                    servers:
                      - address: 192.168.188.81
                        health-check:
                          path: health
                          port: 70000
                """);
        assertEquals(List.of(
                "services.yaml:8 services[0].health-check.type: unknown check type 'icmp'; expected tcp (connect)"
                        + " or http (GET)",
                "services.yaml:9 services[0].health-check.interval: must be 0.01..86400 seconds, was 0",
                "services.yaml:10 services[0].health-check.timeout: has more than three decimals: 0.0005; the finest"
                        + " step is 0.001 seconds",
                "services.yaml:11 services[0].health-check.retries: must be 1..100 failures, was 0",
                "services.yaml:12 services[0].health-check.action: unknown action 'drop'; expected quiesce"
                        + " (weight 0) or remove",
                "services.yaml:13 services[0].health-check.expect-status: must be 100..599, was 999",
                "services.yaml:14 services[0].health-check.colour: unknown key 'colour'; known keys here: type, port,"
                        + " path, expect-status, interval, timeout, retries, rise, action",
                "services.yaml:18 services[0].servers[0].health-check.path: not an HTTP path: 'health'; expected a"
                        + " path starting with '/' without spaces, control or non-ASCII characters, such as /health",
                "services.yaml:19 services[0].servers[0].health-check.port: must be 1..65535, was 70000"),
                errors);
    }

    @Test
    void httpKeysOnATcpCheckAreRefused() {
        List<String> errors = errors(HEAD + """
                    health-check:
                      path: /health
                    servers: []
                """);
        assertEquals(List.of("services.yaml:8 services[0].health-check.path: 'path' applies to http checks only;"
                + " add 'type: http' or remove it"), errors);
    }

    @Test
    void nonNumericIntervalIsRefused() {
        List<String> errors = errors(HEAD + """
                    health-check: {interval: soon}
                """);
        assertEquals(List.of("services.yaml:7 services[0].health-check.interval: expected a number of seconds"
                + " 0.01..86400 seconds such as 5 or 0.2, got the string \"soon\""), errors);
    }

    @Test
    void checksSurviveWriteAndReload() throws ConfigException {
        ServiceFile file = load(HEAD + """
                    health-check: {type: http, path: /ok, interval: 0.25, action: remove}
                    servers:
                      - address: 192.168.188.81
                      - address: 192.168.188.82
                        health-check: {type: tcp, port: 22, timeout: 1.5}
                      - address: 192.168.188.83
                        health-check: {retries: 3}
                """);
        String yaml = new ServiceFileWriter().write(file);
        assertEquals(file, load(yaml), yaml);
        assertTrue(yaml.contains("interval: 0.25"), yaml);
    }

    @Test
    void diffSeesAChangedCheck() throws ConfigException {
        ServiceFile before = load(HEAD + """
                    health-check: {interval: 1}
                    servers:
                      - address: 192.168.188.81
                      - address: 192.168.188.82
                """);
        ServiceFile serviceLevel = load(HEAD + """
                    health-check: {interval: 2}
                    servers:
                      - address: 192.168.188.81
                      - address: 192.168.188.82
                """);
        ServiceFileDiff diff = ServiceFileDiff.between(before, serviceLevel);
        ServiceFileDiff.ServiceChange change = diff.changed().getFirst();
        assertTrue(change.healthCheckChanged());
        assertTrue(change.serversEdited().isEmpty());
        RealServerSpec rs1 = serviceLevel.services().getFirst().servers().getFirst();
        assertTrue(change.healthCheckChanged(rs1));

        ServiceFile serverLevel = load(HEAD + """
                    health-check: {interval: 1}
                    servers:
                      - address: 192.168.188.81
                      - address: 192.168.188.82
                        health-check: {retries: 9}
                """);
        change = ServiceFileDiff.between(before, serverLevel).changed().getFirst();
        assertFalse(change.healthCheckChanged());
        assertEquals(1, change.serversEdited().size());
        ServiceFileDiff.ServerChange edit = change.serversEdited().getFirst();
        assertEquals(Ipv4.parse("192.168.188.82"), edit.after().address());
        assertTrue(edit.healthCheckChanged());
        assertFalse(edit.weightChanged());
        assertFalse(change.healthCheckChanged(rs1));
        assertTrue(change.healthCheckChanged(edit.after()));
    }
}
