package io.jlvs.config.model;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;

/**
 * What identifies a virtual service: protocol, VIP and port ({@code ipvsadm -t/-u}), or a
 * firewall mark ({@code ipvsadm -f}). Two services of a file never share a key.
 */
public sealed interface ServiceKey permits ServiceKey.Address, ServiceKey.Mark {

    /** The service port, host byte order; 0 for a fwmark service. */
    int port();

    /**
     * A protocol, VIP and port service.
     *
     * @param protocol TCP or UDP
     * @param vip      IPv4 address, host byte order
     * @param port     0..65535, host byte order; 0 means every port (persistent only)
     */
    record Address(Protocol protocol, int vip, int port) implements ServiceKey {
        /** Checks the protocol and port. */
        public Address {
            if (protocol != Protocol.TCP && protocol != Protocol.UDP) {
                throw new IllegalArgumentException("protocol must be TCP or UDP, was " + protocol);
            }
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
        }

        /** {@code TCP 192.168.10.100:80}, as {@code ipvsadm -Ln} prints it. */
        @Override
        public String toString() {
            return protocol.listName() + " " + Ipv4.format(vip) + ":" + port;
        }
    }

    /**
     * A firewall-mark service: packets carrying the mark, whatever their address.
     *
     * @param mark 1..4294967295, read as unsigned
     */
    record Mark(int mark) implements ServiceKey {
        /** Checks that the mark is not 0. */
        public Mark {
            if (mark == 0) {
                throw new IllegalArgumentException("fwmark must be 1..4294967295, was 0");
            }
        }

        @Override
        public int port() {
            return 0;
        }

        /** {@code FWM 1}, as {@code ipvsadm -Ln} prints it. */
        @Override
        public String toString() {
            return "FWM " + Integer.toUnsignedString(mark);
        }
    }
}
