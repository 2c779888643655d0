package io.jlvs.core.packet;

import io.jlvs.core.checksum.TransportChecksum;
import java.lang.foreign.MemorySegment;

/**
 * View of a UDP header (RFC 768), 8 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Length counts header and data (at least 8). Over IPv4 a checksum of 0 means "none"
 * and a computed 0 is sent as 0xFFFF; the {@code replace...} and {@code adjust...} writers
 * keep both rules. Example: {@code a9 49 1e 61 00 12 xx xx} is port 43337 to 7777 with 10
 * data bytes. Ports are host-order {@code int}s 0..65535.
 */
public final class UdpFlyweight extends Flyweight {
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;

    @Override
    public UdpFlyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /** Source port, host byte order. */
    public int sourcePort() {
        return u16(0);
    }

    /** Writes the source port (host byte order) without touching the checksum. */
    public void sourcePort(int port) {
        u16(0, port);
    }

    /** Writes the source port (host byte order) and updates a present checksum incrementally. */
    public void replaceSourcePort(int port) {
        int old = u16(0);
        u16(0, port);
        u16(6, TransportChecksum.updateUdp16(u16(6), old, port));
    }

    /** Destination port, host byte order. */
    public int destinationPort() {
        return u16(2);
    }

    /** Writes the destination port (host byte order) without touching the checksum. */
    public void destinationPort(int port) {
        u16(2, port);
    }

    /** Writes the destination port (host byte order) and updates a present checksum incrementally. */
    public void replaceDestinationPort(int port) {
        int old = u16(2);
        u16(2, port);
        u16(6, TransportChecksum.updateUdp16(u16(6), old, port));
    }

    /** The length field: header plus data, in bytes. */
    public int udpLength() {
        return u16(4);
    }

    /** Writes the length field. */
    public void udpLength(int lengthBytes) {
        u16(4, lengthBytes);
    }

    /** The checksum field; 0 means none (IPv4 only). */
    public int checksum() {
        return u16(6);
    }

    /** Writes the checksum field. */
    public void checksum(int checksum) {
        u16(6, checksum);
    }

    /** Whether a checksum is present (the field is not 0). */
    public boolean hasChecksum() {
        return u16(6) != 0;
    }

    /**
     * Updates a present checksum for a change of a 32-bit value it covers through the
     * pseudo-header (an IPv4 address rewritten by NAT); a 0 field stays 0.
     */
    public void adjustChecksum32(int oldValue, int newValue) {
        u16(6, TransportChecksum.updateUdp32(u16(6), oldValue, newValue));
    }

    /**
     * The checksum to store, over {@code udpLength} bytes from this header plus
     * {@code pseudoHeaderSum}, taking the field as zero; never 0 (a computed 0 is 0xFFFF).
     */
    public int computeChecksum(long pseudoHeaderSum, int udpLengthBytes) {
        return TransportChecksum.computeUdp(pseudoHeaderSum, segment(), offset(), udpLengthBytes);
    }

    /** Whether header, data and pseudo-header, checksum included, sum to 0xFFFF. */
    public boolean isChecksumValid(long pseudoHeaderSum, int udpLengthBytes) {
        return TransportChecksum.isValid(pseudoHeaderSum, segment(), offset(), udpLengthBytes);
    }
}
