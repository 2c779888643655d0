package io.jlvs.config.yaml;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writing service files back to YAML that loads to an equal model. */
class ServiceFileWriterTest {
    private final ServiceFileLoader loader = new ServiceFileLoader();
    private final ServiceFileWriter writer = new ServiceFileWriter();

    @ParameterizedTest
    @ValueSource(strings = {"examples/nat.yaml", "examples/dr.yaml", "examples/tun.yaml"})
    void exampleSurvivesWriteAndReload(String name) throws ConfigException {
        ServiceFile original = loader.parse(ServiceFileLoaderTest.resource(name), name);
        String yaml = writer.write(original);
        assertEquals(original, loader.parse(yaml, "written.yaml"), yaml);
    }

    @Test
    void everyFeatureSurvivesWriteAndReload() throws ConfigException {
        ServiceFile original = new ServiceFile(
                new GlobalSettings(List.of("eth0", "veth-dir1"), 3, 1 << 16, new Timeouts(1, 2, 2_678_400),
                        Optional.empty(), "/var/run/jlvs.sock",
                        new IoSettings(IoSettings.Backend.AF_PACKET, 128, 0, 7), new DefenseSettings(3, 1, 2, 99, 7, 4, 8)),
                List.of(
                        new ServiceSpec(new ServiceKey.Address(Protocol.UDP, Ipv4.parse("10.0.0.1"), 0), "sh",
                                SchedulerFlag.SH_PORT.bit() | SchedulerFlag.FLAG_3.bit(),
                                Optional.of(new Persistence(2_678_400, 0)),
                                List.of(new RealServerSpec(Ipv4.parse("10.0.1.1"), 0, 0, ForwardingMethod.ROUTE, 0, 0),
                                        new RealServerSpec(Ipv4.parse("10.0.1.2"), 53, 65535, ForwardingMethod.MASQ,
                                                Integer.MAX_VALUE, 7))),
                        new ServiceSpec(new ServiceKey.Mark(0x8000_0001), "mh", SchedulerFlag.MH_FALLBACK.bit(),
                                Optional.of(new Persistence(1, 0xFFFFFFF0)),
                                List.of(new RealServerSpec(Ipv4.parse("192.168.200.81"), 0, 3,
                                        ForwardingMethod.TUNNEL, 5, 0))),
                        new ServiceSpec(new ServiceKey.Address(Protocol.TCP, Ipv4.parse("255.255.255.255"), 65535),
                                "lblcr", 0, Optional.empty(), List.of())));
        String yaml = writer.write(original);
        assertEquals(original, loader.parse(yaml, "written.yaml"), yaml);
    }

    @Test
    void writesOneServerPerLineWithTheMethodWord() throws ConfigException {
        ServiceFile file = loader.parse(ServiceFileLoaderTest.resource("examples/nat.yaml"), "nat.yaml");
        String yaml = writer.write(file);
        assertTrue(yaml.contains("      - {address: 192.168.188.81, port: 80, weight: 3, method: nat}\n"), yaml);
        assertTrue(yaml.contains("    persistence: {timeout: 600, netmask: 255.255.255.0}\n"), yaml);
    }

    @Test
    void writesFlagNamesForTheScheduler() {
        ServiceFile file = new ServiceFile(GlobalSettings.defaults(List.of("eth0")), List.of(
                new ServiceSpec(new ServiceKey.Mark(2), "sh", 0x18, Optional.of(Persistence.DEFAULT), List.of()),
                new ServiceSpec(new ServiceKey.Mark(3), "rr", 0x18, Optional.of(Persistence.DEFAULT), List.of())));
        String yaml = writer.write(file);
        assertTrue(yaml.contains("scheduler-flags: [sh-fallback, sh-port]"), yaml);
        assertTrue(yaml.contains("scheduler-flags: [flag-1, flag-2]"), yaml);
    }

    @Test
    void metricsTurnedOffIsWrittenAsFalse() {
        GlobalSettings global = new GlobalSettings(List.of("eth0"), 1, 1024, Timeouts.DEFAULT, Optional.empty(),
                "/run/j.sock", IoSettings.DEFAULT, DefenseSettings.DEFAULT);
        String yaml = writer.write(new ServiceFile(global, List.of()));
        assertTrue(yaml.contains("metrics-listen: false\n"), yaml);
        assertFalse(yaml.contains("io:"), "default I/O settings are left out: " + yaml);
    }

    @Test
    void metricsEndpointIsWrittenAsAddressAndPort() {
        GlobalSettings global = new GlobalSettings(List.of("eth0"), 1, 1024, Timeouts.DEFAULT,
                Optional.of(new Endpoint(Ipv4.parse("127.0.0.2"), 1)), "/run/j.sock", IoSettings.DEFAULT,
                DefenseSettings.DEFAULT);
        String yaml = writer.write(new ServiceFile(global, List.of()));
        assertTrue(yaml.contains("metrics-listen: 127.0.0.2:1\n"), yaml);
    }
}
