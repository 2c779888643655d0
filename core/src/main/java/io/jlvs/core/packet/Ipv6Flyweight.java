package io.jlvs.core.packet;

import io.jlvs.core.checksum.TransportChecksum;
import java.lang.foreign.MemorySegment;

/**
 * View of the IPv6 fixed header (RFC 8200), 40 bytes. Extension headers are recognised by
 * {@link #isExtensionHeader} but not walked past.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |              Flow Label               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                   Source Address (128 bits)                   +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                Destination Address (128 bits)                 +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Example: {@code 60 00 00 00 00 17 11 40} then two addresses is a UDP datagram with 23
 * payload bytes and hop limit 64. An address is two {@code long}s, high and low 64 bits, each
 * in host order with the first address byte most significant ({@code fd00:213::1} is high
 * {@code 0xfd00_0213_0000_0000L}, low {@code 1L}).
 */
public final class Ipv6Flyweight extends Flyweight {
    /** Length of the fixed header. */
    public static final int HEADER_LENGTH = 40;
    /** Next header: hop-by-hop options. */
    public static final int NEXT_HOP_BY_HOP = 0;
    /** Next header: TCP. */
    public static final int NEXT_TCP = 6;
    /** Next header: UDP. */
    public static final int NEXT_UDP = 17;
    /** Next header: routing header. */
    public static final int NEXT_ROUTING = 43;
    /** Next header: fragment header. */
    public static final int NEXT_FRAGMENT = 44;
    /** Next header: encapsulating security payload. */
    public static final int NEXT_ESP = 50;
    /** Next header: authentication header. */
    public static final int NEXT_AH = 51;
    /** Next header: ICMPv6. */
    public static final int NEXT_ICMPV6 = 58;
    /** Next header: no next header. */
    public static final int NEXT_NONE = 59;
    /** Next header: destination options. */
    public static final int NEXT_DESTINATION_OPTIONS = 60;
    /** Next header: mobility header. */
    public static final int NEXT_MOBILITY = 135;
    /** Next header: host identity protocol. */
    public static final int NEXT_HIP = 139;
    /** Next header: shim6. */
    public static final int NEXT_SHIM6 = 140;

    @Override
    public Ipv6Flyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /**
     * Whether a next-header value names an IPv6 extension header (RFC 8200 &sect;4 and the
     * IANA list: hop-by-hop, routing, fragment, ESP, AH, destination options, mobility, HIP,
     * shim6).
     */
    public static boolean isExtensionHeader(int nextHeader) {
        return switch (nextHeader) {
            case NEXT_HOP_BY_HOP, NEXT_ROUTING, NEXT_FRAGMENT, NEXT_ESP, NEXT_AH,
                    NEXT_DESTINATION_OPTIONS, NEXT_MOBILITY, NEXT_HIP, NEXT_SHIM6 -> true;
            default -> false;
        };
    }

    /** IP version (6 for a valid header). */
    public int version() {
        return u8(0) >>> 4;
    }

    /** The 8-bit traffic class. */
    public int trafficClass() {
        return (u16(0) >>> 4) & 0xFF;
    }

    /** The 20-bit flow label. */
    public int flowLabel() {
        return i32(0) & 0x000F_FFFF;
    }

    /** Payload length in bytes (everything after the fixed header). */
    public int payloadLength() {
        return u16(4);
    }

    /** Writes the payload length. */
    public void payloadLength(int lengthBytes) {
        u16(4, lengthBytes);
    }

    /** Next header: the protocol or extension header after the fixed header. */
    public int nextHeader() {
        return u8(6);
    }

    /** Writes the next header. */
    public void nextHeader(int nextHeader) {
        u8(6, nextHeader);
    }

    /** Hop limit. */
    public int hopLimit() {
        return u8(7);
    }

    /** Writes the hop limit (IPv6 has no header checksum). */
    public void hopLimit(int hopLimit) {
        u8(7, hopLimit);
    }

    /** High 64 bits of the source address. */
    public long sourceHigh() {
        return i64(8);
    }

    /** Low 64 bits of the source address. */
    public long sourceLow() {
        return i64(16);
    }

    /** Writes the source address as high and low 64 bits. */
    public void sourceAddress(long high, long low) {
        i64(8, high);
        i64(16, low);
    }

    /** High 64 bits of the destination address. */
    public long destinationHigh() {
        return i64(24);
    }

    /** Low 64 bits of the destination address. */
    public long destinationLow() {
        return i64(32);
    }

    /** Writes the destination address as high and low 64 bits. */
    public void destinationAddress(long high, long low) {
        i64(24, high);
        i64(32, low);
    }

    /**
     * The unfolded pseudo-header sum for an upper-layer segment of {@code l4LengthBytes} with
     * next header {@code nextHeader} (the final one, after any extension headers).
     */
    public long pseudoHeaderSum(int nextHeader, int l4LengthBytes) {
        return TransportChecksum.ipv6PseudoHeaderSum(segment(), offset() + 8, nextHeader, l4LengthBytes);
    }
}
