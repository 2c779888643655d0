package io.jlvs.core.packet;

import io.jlvs.core.checksum.InternetChecksum;
import java.lang.foreign.MemorySegment;

/**
 * View of an ICMP message header (RFC 792), 8 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Identifier (echo)           |   Sequence Number (echo)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data (echo) or original IP header + 8 bytes (errors) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 * </pre>
 *
 * <p>The checksum covers the whole ICMP message, without a pseudo-header. Example: an echo
 * request is type 8 code 0; "fragmentation needed" is type 3 code 4 with the next-hop MTU in
 * bytes 6..7. Error messages carry the offending datagram's header after byte 8.
 */
public final class IcmpFlyweight extends IcmpHeaderFlyweight {
    /** Type of an echo reply. */
    public static final int ECHO_REPLY = 0;
    /** Type of a destination unreachable error. */
    public static final int DESTINATION_UNREACHABLE = 3;
    /** Type of an echo request. */
    public static final int ECHO_REQUEST = 8;
    /** Type of a time exceeded error. */
    public static final int TIME_EXCEEDED = 11;
    /** Code of destination unreachable: fragmentation needed and DF set. */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    @Override
    public IcmpFlyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /** Whether this is an error message that quotes an offending datagram (types 3, 4, 5, 11, 12). */
    public boolean isError() {
        int type = type();
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** The checksum over {@code messageLengthBytes} from this header, taking the field as zero. */
    public int computeChecksum(int messageLengthBytes) {
        return InternetChecksum.checksumWithFieldZero(segment(), offset(), messageLengthBytes, offset() + 2, 0);
    }

    /** Whether the message, checksum included, sums to 0xFFFF. */
    public boolean isChecksumValid(int messageLengthBytes) {
        return InternetChecksum.fold(InternetChecksum.sum(segment(), offset(), messageLengthBytes)) == 0xFFFF;
    }
}
