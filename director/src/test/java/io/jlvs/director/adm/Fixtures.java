package io.jlvs.director.adm;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builders for the configurations of IPVS-SEMANTICS §4.2 and access to the golden files. */
final class Fixtures {
    private Fixtures() {
    }

    /** A test resource of this package as text. */
    static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ServiceRef tcp(String address, int port) {
        return ServiceRef.of(Protocol.TCP, Ipv4.parse(address), port);
    }

    static ServiceRef udp(String address, int port) {
        return ServiceRef.of(Protocol.UDP, Ipv4.parse(address), port);
    }

    static ServerOptions server(String address, int port, ForwardingMethod method, int weight) {
        return ServerOptions.of(Ipv4.parse(address), port).with(method, weight);
    }

    static ServiceOptions scheduler(String name) {
        return new ServiceOptions(name, 0, 0, 0xFFFFFFFF, "", false);
    }

    static DestView dest(ServerOptions server, int active, int inactive) {
        return new DestView(server, active, inactive, 0, StatsView.ZERO);
    }

    /**
     * The table of the {@code -Ln} example, given in an order the listing must sort: UDP
     * service first, real servers in reverse.
     */
    static List<ServiceView> exampleTable() {
        ServiceView udp53 = new ServiceView(udp("192.168.10.100", 53), scheduler("rr"), StatsView.ZERO,
                List.of(dest(server("192.168.20.1", 53, ForwardingMethod.ROUTE, 2), 0, 17)));
        ServiceOptions sh = new ServiceOptions("sh", 0x08 | 0x10, 360, Ipv4.parse("255.255.255.0"), "", false);
        ServiceView tcp443 = new ServiceView(tcp("192.168.10.100", 443), sh, StatsView.ZERO, List.of(
                dest(server("10.1.1.10", 443, ForwardingMethod.TUNNEL, 1), 0, 0),
                dest(server("10.1.1.2", 443, ForwardingMethod.TUNNEL, 1), 0, 0)));
        ServiceView tcp80 = new ServiceView(tcp("192.168.10.100", 80), scheduler("wlc"), StatsView.ZERO, List.of(
                dest(server("192.168.188.82", 80, ForwardingMethod.MASQ, 1), 12, 3),
                dest(server("192.168.188.81", 80, ForwardingMethod.MASQ, 3), 1, 0)));
        return List.of(udp53, tcp443, tcp80);
    }
}
