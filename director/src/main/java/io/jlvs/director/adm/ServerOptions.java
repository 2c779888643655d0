package io.jlvs.director.adm;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;

/**
 * A real server as {@code ipvsadm -a/-e} sets it. Every field has ipvsadm's default when
 * its option is absent (weight 1, DR, no thresholds, ipip without checksum), because
 * {@code -e} replaces all of them.
 *
 * @param address         IPv4 address, host byte order
 * @param port            0..65535, host byte order
 * @param method          MASQ, ROUTE or TUNNEL
 * @param weight          0..65535
 * @param upperThreshold  {@code -x}, 0..2147483647, 0 for none
 * @param lowerThreshold  {@code -y}, 0..2147483647, 0 for none
 * @param tunnelType      encapsulation for TUNNEL servers
 * @param tunnelPort      GUE destination port 1..65535, or 0
 * @param tunnelChecksum  checksum mode for GUE and GRE
 */
public record ServerOptions(int address, int port, ForwardingMethod method, int weight,
                            int upperThreshold, int lowerThreshold, TunnelType tunnelType,
                            int tunnelPort, TunnelChecksum tunnelChecksum) {
    /** ipvsadm's weight when {@code -w} is absent. */
    public static final int DEFAULT_WEIGHT = 1;

    /** Checks the ranges. */
    public ServerOptions {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (method == null || weight < 0 || weight > 0xFFFF || upperThreshold < 0 || lowerThreshold < 0
                || tunnelType == null || tunnelChecksum == null || tunnelPort < 0 || tunnelPort > 0xFFFF) {
            throw new IllegalArgumentException("server options out of range: method " + method + ", weight "
                    + weight + ", thresholds " + upperThreshold + "/" + lowerThreshold + ", tunnel port " + tunnelPort);
        }
    }

    /** A server with ipvsadm's defaults: weight 1, DR. */
    public static ServerOptions of(int address, int port) {
        return new ServerOptions(address, port, ForwardingMethod.ROUTE, DEFAULT_WEIGHT, 0, 0,
                TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);
    }

    /** This server with another method and weight. */
    public ServerOptions with(ForwardingMethod newMethod, int newWeight) {
        return new ServerOptions(address, port, newMethod, newWeight, upperThreshold, lowerThreshold,
                tunnelType, tunnelPort, tunnelChecksum);
    }

    /** {@code 192.168.188.81:80}, numeric. */
    public String endpoint() {
        return Ipv4.format(address) + ":" + port;
    }
}
