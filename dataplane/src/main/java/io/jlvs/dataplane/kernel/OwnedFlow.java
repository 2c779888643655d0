package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import java.util.Objects;

/**
 * Traffic towards a virtual service that jlvs forwards itself, so the director's kernel must
 * never see it: protocol, destination address (or prefix) and destination port (0: every port).
 *
 * <p>A plain service is one flow ({@link #service}). A fwmark service cannot be matched by its
 * mark at the guard: nftables' netdev ingress hook runs before the prerouting hooks where
 * iptables or nft set the mark, and AF_PACKET taps see the packet before any of them. The caller
 * therefore states what the mark stands for, as one {@link #fwmark} flow per
 * (protocol, address prefix, port) that the marking rules select; the mark only names the rule.
 *
 * @param protocol     the transport protocol
 * @param address      destination IPv4 address, host byte order
 * @param prefixLength 32 for one address, less for a range (fwmark services)
 * @param port         destination port, host byte order; 0 means every port
 * @param fwmark       the fwmark the flow belongs to, or 0 for a plain service
 */
public record OwnedFlow(Protocol protocol, int address, int prefixLength, int port, int fwmark) {
    /** Checks the fields and clears the host bits of {@code address}. */
    public OwnedFlow {
        Objects.requireNonNull(protocol, "protocol");
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 1..32, was " + prefixLength);
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        address &= Ipv4.netmask(prefixLength);
    }

    /** The virtual service {@code protocol VIP:port} (port 0: a persistent all-ports service). */
    public static OwnedFlow service(Protocol protocol, int vip, int port) {
        return new OwnedFlow(protocol, vip, 32, port, 0);
    }

    /** Part of fwmark service {@code fwmark}: {@code protocol} to {@code address/prefixLength}, {@code port} (0: any). */
    public static OwnedFlow fwmark(int fwmark, Protocol protocol, int address, int prefixLength, int port) {
        return new OwnedFlow(protocol, address, prefixLength, port, fwmark);
    }

    /** {@code TCP 10.0.0.10:80}, {@code UDP 10.0.0.0/24:*}, with {@code fwmark N} in front for fwmark flows. */
    public String describe() {
        String target = Ipv4.format(address) + (prefixLength == 32 ? "" : "/" + prefixLength) + ":"
                + (port == 0 ? "*" : Integer.toString(port));
        return (fwmark != 0 ? "fwmark " + Integer.toUnsignedString(fwmark) + " " : "")
                + protocol.listName() + " " + target;
    }
}
