package io.jlvs.core.checksum;

import io.jlvs.core.packet.Ipv4Flyweight;
import java.lang.foreign.MemorySegment;

/**
 * Checksums of TCP, UDP and ICMPv6 over their pseudo-header (RFC 9293 &sect;3.1, RFC 768,
 * RFC 8200 &sect;8.1), and their incremental update when an address or port changes.
 *
 * <pre>
 *  IPv4 pseudo-header (12 bytes)          IPv6 pseudo-header (40 bytes)
 *  +--------+--------+--------+--------+  +-----------------------------------+
 *  |          source address           |  |    source address (16 bytes)      |
 *  +--------+--------+--------+--------+  +-----------------------------------+
 *  |        destination address        |  |  destination address (16 bytes)   |
 *  +--------+--------+--------+--------+  +-----------------------------------+
 *  |  zero  |protocol|  TCP/UDP length |  |   upper-layer length (32 bits)    |
 *  +--------+--------+--------+--------+  +--------+--------+--------+--------+
 *                                         |          zero            |next hdr|
 *                                         +--------+--------+--------+--------+
 * </pre>
 *
 * <p>UDP over IPv4 has a special case (RFC 768): a checksum field of 0 means "no checksum",
 * so a computed 0 is sent as 0xFFFF, and an update leaves a 0 field alone. Addresses are
 * host-order {@code int}s ({@code 10.0.0.1} is {@code 0x0A000001}). Static, allocation-free,
 * thread-safe.
 */
public final class TransportChecksum {
    /** IP protocol number of TCP. */
    public static final int TCP = Ipv4Flyweight.PROTO_TCP;
    /** IP protocol number of UDP. */
    public static final int UDP = Ipv4Flyweight.PROTO_UDP;
    /** IPv6 next-header number of ICMPv6. */
    public static final int ICMPV6 = 58;
    /** Offset of the checksum field in a TCP header. */
    public static final int TCP_CHECKSUM_OFFSET = 16;
    /** Offset of the checksum field in a UDP header. */
    public static final int UDP_CHECKSUM_OFFSET = 6;
    /** Offset of the checksum field in an ICMP or ICMPv6 header. */
    public static final int ICMP_CHECKSUM_OFFSET = 2;

    private TransportChecksum() {
    }

    /** The unfolded sum of an IPv4 pseudo-header. */
    public static long ipv4PseudoHeaderSum(int sourceAddress, int destinationAddress, int protocol,
            int l4LengthBytes) {
        return (sourceAddress >>> 16) + (sourceAddress & 0xFFFF)
                + (destinationAddress >>> 16) + (destinationAddress & 0xFFFF)
                + protocol + l4LengthBytes;
    }

    /**
     * The unfolded sum of an IPv6 pseudo-header whose 32 address bytes (source then
     * destination) start at {@code addressesOffset} (an IPv6 header's offset plus 8).
     */
    public static long ipv6PseudoHeaderSum(MemorySegment segment, long addressesOffset, int nextHeader,
            int l4LengthBytes) {
        return InternetChecksum.sum(segment, addressesOffset, 32)
                + (l4LengthBytes >>> 16) + (l4LengthBytes & 0xFFFF) + nextHeader;
    }

    /**
     * The checksum to store in a TCP header or ICMPv6 message at {@code l4Offset}, computed
     * with its checksum field taken as zero.
     *
     * @param pseudoHeaderSum from {@link #ipv4PseudoHeaderSum} or {@link #ipv6PseudoHeaderSum}
     * @param checksumFieldOffset {@link #TCP_CHECKSUM_OFFSET} or {@link #ICMP_CHECKSUM_OFFSET}
     */
    public static int compute(long pseudoHeaderSum, MemorySegment segment, long l4Offset, int l4LengthBytes,
            int checksumFieldOffset) {
        return InternetChecksum.checksumWithFieldZero(segment, l4Offset, l4LengthBytes,
                l4Offset + checksumFieldOffset, pseudoHeaderSum);
    }

    /**
     * The checksum to store in a UDP header at {@code l4Offset}: as {@link #compute}, but a
     * computed 0x0000 is returned as 0xFFFF (RFC 768; 0 would mean "no checksum").
     */
    public static int computeUdp(long pseudoHeaderSum, MemorySegment segment, long l4Offset, int l4LengthBytes) {
        int checksum = compute(pseudoHeaderSum, segment, l4Offset, l4LengthBytes, UDP_CHECKSUM_OFFSET);
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /**
     * Whether a transport segment, checksum field included, sums with its pseudo-header to
     * 0xFFFF. A UDP-over-IPv4 field of 0 (no checksum) is the caller's case to test first.
     */
    public static boolean isValid(long pseudoHeaderSum, MemorySegment segment, long l4Offset, int l4LengthBytes) {
        return InternetChecksum.fold(pseudoHeaderSum + InternetChecksum.sum(segment, l4Offset, l4LengthBytes))
                == 0xFFFF;
    }

    /**
     * The UDP checksum after a 16-bit word it covers (a port) changes: 0 (no checksum) stays
     * 0, and a result of 0x0000 is returned as 0xFFFF.
     */
    public static int updateUdp16(int checksum, int oldWord, int newWord) {
        if (checksum == 0) {
            return 0;
        }
        int updated = InternetChecksum.update16(checksum, oldWord, newWord);
        return updated == 0 ? 0xFFFF : updated;
    }

    /**
     * The UDP checksum after a 32-bit value it covers (a pseudo-header address) changes, with
     * the rules of {@link #updateUdp16}.
     */
    public static int updateUdp32(int checksum, int oldValue, int newValue) {
        if (checksum == 0) {
            return 0;
        }
        int updated = InternetChecksum.update32(checksum, oldValue, newValue);
        return updated == 0 ? 0xFFFF : updated;
    }
}
