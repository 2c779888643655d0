package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import java.util.Objects;

/**
 * A real server reached by NAT: its replies ({@code RIP:rport} to the client) come back through
 * the director, where jlvs rewrites and sends them, so the kernel must not forward them too.
 *
 * <p>The guard drops every packet of the protocol from {@code RIP:rport} that is not addressed to
 * the director itself, including those that match no jlvs connection (IPVS would let the kernel
 * forward those untouched; jlvs sees them on its ring and decides). With port 0 that is all of
 * the real server's traffic of that protocol through the director, its own outbound connections
 * included.
 *
 * @param protocol the transport protocol
 * @param address  the real server's IPv4 address (RIP), host byte order
 * @param port     the real server's port (rport), host byte order; 0 means every port
 */
public record NatServer(Protocol protocol, int address, int port) {
    /** Checks the fields. */
    public NatServer {
        Objects.requireNonNull(protocol, "protocol");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }

    /** {@code TCP 10.0.1.2:8080}. */
    public String describe() {
        return protocol.listName() + " " + Ipv4.format(address) + ":" + (port == 0 ? "*" : Integer.toString(port));
    }
}
