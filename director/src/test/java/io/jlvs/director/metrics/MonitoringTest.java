package io.jlvs.director.metrics;

import io.jlvs.config.model.Endpoint;
import io.jlvs.core.net.Ipv4;
import io.jlvs.dataplane.service.ServiceTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What jlvsd starts beside the data plane: the checker always, the endpoint unless turned off. */
class MonitoringTest {
    @Test
    void metricsListenFalseStartsNoEndpoint() {
        try (Monitoring m = Monitoring.start(ServiceTable.of(List.of()), Optional.empty(), List::of, null, line -> { })) {
            assertTrue(m.metricsAddress().isEmpty());
            assertTrue(m.healthChecker().health().isEmpty());
        }
    }

    @Test
    void endpointListensWhereConfigured() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Endpoint endpoint = new Endpoint(Ipv4.parse("127.0.0.1"), port);
        try (Monitoring m = Monitoring.start(ServiceTable.of(List.of()), Optional.of(endpoint), List::of, null,
                line -> { })) {
            assertEquals("127.0.0.1", m.metricsAddress().orElseThrow().getAddress().getHostAddress());
            assertEquals(port, m.metricsAddress().orElseThrow().getPort());
        }
    }

    @Test
    void busyEndpointFailsTheStart() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Endpoint endpoint = new Endpoint(Ipv4.parse("127.0.0.1"), taken.getLocalPort());
            assertThrows(IllegalStateException.class, () -> Monitoring.start(ServiceTable.of(List.of()),
                    Optional.of(endpoint), List::of, null, line -> { }));
        }
    }
}
