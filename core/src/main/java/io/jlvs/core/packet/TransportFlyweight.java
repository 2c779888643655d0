package io.jlvs.core.packet;

import io.jlvs.core.checksum.TransportChecksum;

/**
 * What TCP and UDP headers share: source and destination port in the first four bytes and a
 * checksum over a pseudo-header, kept right by the {@code replace...} and {@code adjust...}
 * writers (see the subclasses for the layouts and each protocol's checksum rule).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Ports are host-order {@code int}s 0..65535 (port 80 is {@code 0x0050} on the wire).
 */
public abstract sealed class TransportFlyweight extends Flyweight permits TcpFlyweight, UdpFlyweight {
    /** Source port, host byte order. */
    public final int sourcePort() {
        return u16(0);
    }

    /** Writes the source port (host byte order) without touching the checksum. */
    public final void sourcePort(int port) {
        u16(0, port);
    }

    /** Writes the source port (host byte order) and updates the checksum incrementally. */
    public final void replaceSourcePort(int port) {
        int old = u16(0);
        u16(0, port);
        adjustChecksum16(old, port);
    }

    /** Destination port, host byte order. */
    public final int destinationPort() {
        return u16(2);
    }

    /** Writes the destination port (host byte order) without touching the checksum. */
    public final void destinationPort(int port) {
        u16(2, port);
    }

    /** Writes the destination port (host byte order) and updates the checksum incrementally. */
    public final void replaceDestinationPort(int port) {
        int old = u16(2);
        u16(2, port);
        adjustChecksum16(old, port);
    }

    /** Updates the checksum for a change of a 16-bit word it covers, by RFC 1624 eqn. 3. */
    public abstract void adjustChecksum16(int oldWord, int newWord);

    /**
     * Updates the checksum for a change of a 32-bit value it covers through the pseudo-header
     * (an IPv4 address rewritten by NAT), from {@code oldValue} to {@code newValue}.
     */
    public abstract void adjustChecksum32(int oldValue, int newValue);

    /** Whether header, data and pseudo-header, checksum included, sum to 0xFFFF. */
    public final boolean isChecksumValid(long pseudoHeaderSum, int l4LengthBytes) {
        return TransportChecksum.isValid(pseudoHeaderSum, segment(), offset(), l4LengthBytes);
    }
}
