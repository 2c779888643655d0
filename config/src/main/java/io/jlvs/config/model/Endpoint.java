package io.jlvs.config.model;

import io.jlvs.core.net.Ipv4;

/**
 * An IPv4 address and TCP port to listen on.
 *
 * @param address IPv4 address, host byte order
 * @param port    1..65535, host byte order
 */
public record Endpoint(int address, int port) {
    /** Checks the port. */
    public Endpoint {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
    }

    /** {@code 127.0.0.1:9180}. */
    @Override
    public String toString() {
        return Ipv4.format(address) + ":" + port;
    }
}
