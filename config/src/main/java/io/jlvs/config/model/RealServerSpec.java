package io.jlvs.config.model;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;

import java.util.Optional;

/**
 * A real server of a service, as {@code ipvsadm -a -r address:port -w weight -g|-m|-i
 * -x upper -y lower} declares it.
 *
 * @param address        IPv4 address, host byte order
 * @param port           0..65535, host byte order
 * @param weight         0..65535; 0 quiesces the server
 * @param method         {@link ForwardingMethod#ROUTE} (dr), {@link ForwardingMethod#MASQ}
 *                       (nat) or {@link ForwardingMethod#TUNNEL} (tun)
 * @param upperThreshold connection limit, 0 for none (IPVS-SEMANTICS §2.9)
 * @param lowerThreshold connections below which an overloaded server is used again, 0 for
 *                       the default (75% of the upper threshold); never above a set upper
 * @param healthCheck    this server's own health check (the service's block with this server's
 *                       keys on top), or empty to use the service's
 */
public record RealServerSpec(int address, int port, int weight, ForwardingMethod method,
                             int upperThreshold, int lowerThreshold, Optional<HealthCheck> healthCheck) {
    /** The weight when none is given, as ipvsadm. */
    public static final int DEFAULT_WEIGHT = 1;
    /** The largest weight. */
    public static final int MAX_WEIGHT = 0xFFFF;

    /** A server without a health check of its own. */
    public RealServerSpec(int address, int port, int weight, ForwardingMethod method, int upperThreshold,
                          int lowerThreshold) {
        this(address, port, weight, method, upperThreshold, lowerThreshold, Optional.empty());
    }

    /** Checks the ranges; the method may not be LOCAL. */
    public RealServerSpec {
        if (healthCheck == null) {
            throw new IllegalArgumentException("healthCheck must be present or empty, not null");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 0..65535, was " + weight);
        }
        if (method == null || method == ForwardingMethod.LOCAL) {
            throw new IllegalArgumentException("method must be ROUTE, MASQ or TUNNEL, was " + method);
        }
        if (upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("thresholds must be >= 0, were "
                    + upperThreshold + "/" + lowerThreshold);
        }
        if (lowerThreshold > upperThreshold) {
            throw new IllegalArgumentException("lower threshold " + lowerThreshold
                    + " exceeds upper threshold " + upperThreshold);
        }
    }

    /** A server with default weight, method DR and no thresholds. */
    public static RealServerSpec of(int address, int port) {
        return new RealServerSpec(address, port, DEFAULT_WEIGHT, ForwardingMethod.ROUTE, 0, 0);
    }

    /** Whether this is the same server (address and port) as the other, whatever its settings. */
    public boolean sameServer(RealServerSpec other) {
        return address == other.address && port == other.port;
    }

    /** {@code 192.168.188.81:80}. */
    public String endpoint() {
        return Ipv4.format(address) + ":" + port;
    }
}
