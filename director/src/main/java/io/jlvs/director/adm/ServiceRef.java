package io.jlvs.director.adm;

import io.jlvs.config.model.ServiceKey;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;

/**
 * Which virtual service a command names: {@code -t|-u|--sctp-service address[:port]} or
 * {@code -f mark}. A fwmark service has address and port 0 and, as in ipvsadm, protocol TCP.
 *
 * @param protocol TCP, UDP or SCTP
 * @param address  IPv4 address, host byte order; 0 for a fwmark service
 * @param port     0..65535, host byte order; 0 for a fwmark service
 * @param fwmark   firewall mark read as unsigned, 0 for an address service
 */
public record ServiceRef(Protocol protocol, int address, int port, int fwmark) {
    /** Checks the port and that a fwmark service has no address. */
    public ServiceRef {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol is required");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (fwmark != 0 && (address != 0 || port != 0)) {
            throw new IllegalArgumentException("a fwmark service has no address or port");
        }
    }

    /** An address service. */
    public static ServiceRef of(Protocol protocol, int address, int port) {
        return new ServiceRef(protocol, address, port, 0);
    }

    /** The service a service file's key names. */
    public static ServiceRef of(ServiceKey key) {
        return switch (key) {
            case ServiceKey.Mark mark -> ofMark(mark.mark());
            case ServiceKey.Address address -> of(address.protocol(), address.vip(), address.port());
        };
    }

    /** A fwmark service. */
    public static ServiceRef ofMark(int fwmark) {
        if (fwmark == 0) {
            throw new IllegalArgumentException("fwmark must not be 0");
        }
        return new ServiceRef(Protocol.TCP, 0, 0, fwmark);
    }

    /** Whether this is a fwmark service. */
    public boolean isFwmark() {
        return fwmark != 0;
    }

    /** {@code 192.168.10.100:80} for an address service, numeric. */
    public String endpoint() {
        return Ipv4.format(address) + ":" + port;
    }

    /** The service selector as {@code ipvsadm -S} writes it: {@code -t 192.168.10.100:80}, {@code -f 1}. */
    public String selector() {
        if (isFwmark()) {
            return "-f " + Integer.toUnsignedString(fwmark);
        }
        String option = switch (protocol) {
            case TCP -> "-t";
            case UDP -> "-u";
            case SCTP -> "--sctp-service";
        };
        return option + " " + endpoint();
    }
}
