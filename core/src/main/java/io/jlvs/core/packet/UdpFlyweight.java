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
public final class UdpFlyweight extends TransportFlyweight {
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;

    @Override
    public UdpFlyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
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

    /** As RFC 1624 eqn. 3, but a 0 field (no checksum) stays 0 and a result of 0 is stored as 0xFFFF. */
    @Override
    public void adjustChecksum16(int oldWord, int newWord) {
        u16(6, TransportChecksum.updateUdp16(u16(6), oldWord, newWord));
    }

    /** As {@link #adjustChecksum16}: a 0 field (no checksum) stays 0. */
    @Override
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
}
