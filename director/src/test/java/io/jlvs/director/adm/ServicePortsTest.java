package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.service.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ports as ipvsadm reads them: numbers 0..65535, else service names of the protocol from a services file. */
class ServicePortsTest {
    @Test
    void readsServiceNamesAndAliasesOfServicesFile(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("services");
        Files.writeString(services, "# comment\nhttp\t\t80/tcp\t\twww www-http\t# WorldWideWeb\ndomain 53/udp\n");
        assertEquals(Map.of("http/tcp", 80, "www/tcp", 80, "www-http/tcp", 80, "domain/udp", 53),
                ServicePorts.readServices(services));
    }

    @Test
    void numbersFirstThenNamesOfTheProtocol(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("services");
        Files.writeString(file, "http 80/tcp www\nhttps 443/tcp\nhttps 443/udp\ndomain 53/udp\n");
        ServicePorts ports = new ServicePorts(ServicePorts.servicesFile(file));
        assertEquals(8080, ports.parse("8080", Protocol.TCP));
        assertEquals(0, ports.parse("0", Protocol.TCP));
        assertEquals(80, ports.parse("www", Protocol.TCP));
        assertEquals(443, ports.parse("https", Protocol.UDP));
        assertEquals(53, ports.parse("domain", Protocol.UDP));
        assertEquals(-1, ports.parse("domain", Protocol.TCP), "domain is UDP only in this file");
        assertEquals(-1, ports.parse("65536", Protocol.TCP));
        assertEquals(-1, ports.parse("-1", Protocol.TCP));
        assertEquals(-1, ports.parse("", Protocol.TCP));
        assertEquals(-1, ports.parse("nosuch", Protocol.SCTP));
    }

    @Test
    void systemPortsReadEtcServices() {
        assumeTrue(ServicePorts.readServices(ServicePorts.ETC_SERVICES).containsKey("https/tcp"),
                "needs an /etc/services that lists https (package netbase)");
        assertEquals(80, ServicePorts.system().parse("http", Protocol.TCP));
        assertEquals(443, ServicePorts.system().parse("https", Protocol.TCP));
    }
}
