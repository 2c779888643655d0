package io.jlvs.core.packet;

import io.jlvs.core.checksum.TransportChecksum;
import java.lang.foreign.MemorySegment;

/**
 * View of an ICMPv6 message header (RFC 4443), 8 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Identifier (echo)           |   Sequence Number (echo)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Message body ...
 * +-+-+-+-+-+-+-+-+-+-+-
 * </pre>
 *
 * <p>Unlike ICMP, the checksum covers the IPv6 pseudo-header (next header 58). Example: an echo
 * request is type 128, a reply 129; neighbour solicitation is 135, advertisement 136.
 */
public final class Icmpv6Flyweight extends IcmpHeaderFlyweight {
    /** Type of a packet-too-big error. */
    public static final int PACKET_TOO_BIG = 2;
    /** Type of an echo request. */
    public static final int ECHO_REQUEST = 128;
    /** Type of an echo reply. */
    public static final int ECHO_REPLY = 129;
    /** Type of a neighbour solicitation. */
    public static final int NEIGHBOR_SOLICITATION = 135;
    /** Type of a neighbour advertisement. */
    public static final int NEIGHBOR_ADVERTISEMENT = 136;

    @Override
    public Icmpv6Flyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /** Whether this is an error message (types 0..127). */
    public boolean isError() {
        return type() < 128;
    }

    /** The checksum over the message and {@code pseudoHeaderSum}, taking the field as zero. */
    public int computeChecksum(long pseudoHeaderSum, int messageLengthBytes) {
        return TransportChecksum.compute(pseudoHeaderSum, segment(), offset(), messageLengthBytes,
                TransportChecksum.ICMP_CHECKSUM_OFFSET);
    }

    /** Whether message and pseudo-header, checksum included, sum to 0xFFFF. */
    public boolean isChecksumValid(long pseudoHeaderSum, int messageLengthBytes) {
        return TransportChecksum.isValid(pseudoHeaderSum, segment(), offset(), messageLengthBytes);
    }
}
