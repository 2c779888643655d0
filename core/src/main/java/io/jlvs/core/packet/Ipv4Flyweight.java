package io.jlvs.core.packet;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.checksum.TransportChecksum;
import java.lang.foreign.MemorySegment;

/**
 * View of an IPv4 header (RFC 791), 20 bytes plus up to 40 bytes of options.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|         Total Length          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |0|D|M|    Fragment Offset      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |        Header Checksum        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL &gt; 5)      |    Padding       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>IHL counts 32-bit words (5..15); D is Don't Fragment, M is More Fragments, and the
 * fragment offset counts 8-byte units. A datagram is a fragment when M is set or the offset is
 * non-zero; only the first fragment (offset 0) carries the transport header. Example: {@code 45
 * 00 00 3c 83 fc 40 00 40 06 ...} is a 60-byte, DF, TTL 64 TCP datagram with no options.
 * Addresses are host-order {@code int}s ({@code 10.213.0.1} is {@code 0x0AD50001}).
 *
 * <p>The {@code replace...} writers keep the header checksum right by RFC 1624 incremental
 * update; the transport checksum, which covers the addresses through its pseudo-header, is
 * the caller's (see {@link TcpFlyweight#adjustChecksum32}).
 */
public final class Ipv4Flyweight extends Flyweight {
    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** IP protocol number of ICMP. */
    public static final int PROTO_ICMP = 1;
    /** IP protocol number of TCP. */
    public static final int PROTO_TCP = 6;
    /** IP protocol number of UDP. */
    public static final int PROTO_UDP = 17;
    /** Option type: end of option list. */
    public static final int OPTION_END = 0;
    /** Option type: no operation (one byte of padding). */
    public static final int OPTION_NOP = 1;

    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;
    private static final int OFFSET_MASK = 0x1FFF;

    @Override
    public Ipv4Flyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /** IP version (4 for a valid header). */
    public int version() {
        return u8(0) >>> 4;
    }

    /** Internet header length in 32-bit words (5..15 when valid). */
    public int ihl() {
        return u8(0) & 0x0F;
    }

    /** Writes version and IHL together (0x45 for a plain header). */
    public void versionAndIhl(int versionAndIhl) {
        u8(0, versionAndIhl);
    }

    /** Header length in bytes, {@code ihl() * 4}. */
    public int headerLength() {
        return (u8(0) & 0x0F) << 2;
    }

    /** Whether the header carries options (IHL &gt; 5). */
    public boolean hasOptions() {
        return (u8(0) & 0x0F) > 5;
    }

    /** Length of the options in bytes, {@code headerLength() - 20}. */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** The type-of-service byte (DSCP and ECN). */
    public int tos() {
        return u8(1);
    }

    /** Writes the type-of-service byte (the header checksum is the caller's). */
    public void tos(int tos) {
        u8(1, tos);
    }

    /** Total length of the datagram in bytes, header included. */
    public int totalLength() {
        return u16(2);
    }

    /** Writes the total length (the header checksum is the caller's). */
    public void totalLength(int lengthBytes) {
        u16(2, lengthBytes);
    }

    /** The identification field. */
    public int identification() {
        return u16(4);
    }

    /** Writes the identification field (the header checksum is the caller's). */
    public void identification(int id) {
        u16(4, id);
    }

    /** The 16-bit word of flags and fragment offset. */
    public int flagsAndFragmentOffset() {
        return u16(6);
    }

    /** Writes the flags and fragment offset word (the header checksum is the caller's). */
    public void flagsAndFragmentOffset(int word) {
        u16(6, word);
    }

    /** Whether the Don't Fragment flag is set. */
    public boolean hasDontFragment() {
        return (u16(6) & FLAG_DF) != 0;
    }

    /** Sets or clears Don't Fragment (the header checksum is the caller's). */
    public void dontFragment(boolean dontFragment) {
        int word = u16(6);
        u16(6, dontFragment ? word | FLAG_DF : word & ~FLAG_DF);
    }

    /** Whether the More Fragments flag is set. */
    public boolean hasMoreFragments() {
        return (u16(6) & FLAG_MF) != 0;
    }

    /** Fragment offset in 8-byte units. */
    public int fragmentOffset() {
        return u16(6) & OFFSET_MASK;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffsetBytes() {
        return (u16(6) & OFFSET_MASK) << 3;
    }

    /** Whether this datagram is a fragment (MF set or offset non-zero). */
    public boolean isFragment() {
        return (u16(6) & (FLAG_MF | OFFSET_MASK)) != 0;
    }

    /** Time to live. */
    public int ttl() {
        return u8(8);
    }

    /** Writes the time to live without touching the header checksum. */
    public void ttl(int ttl) {
        u8(8, ttl);
    }

    /** Writes the time to live and updates the header checksum incrementally. */
    public void replaceTtl(int ttl) {
        int oldWord = u16(8);
        int newWord = (ttl & 0xFF) << 8 | (oldWord & 0xFF);
        u16(8, newWord);
        u16(10, InternetChecksum.update16(u16(10), oldWord, newWord));
    }

    /** The protocol of the payload ({@link #PROTO_TCP}, {@link #PROTO_UDP}, ...). */
    public int protocol() {
        return u8(9);
    }

    /** Writes the protocol (the header checksum is the caller's). */
    public void protocol(int protocol) {
        u8(9, protocol);
    }

    /** The header checksum field. */
    public int headerChecksum() {
        return u16(10);
    }

    /** Writes the header checksum field. */
    public void headerChecksum(int checksum) {
        u16(10, checksum);
    }

    /** Source address, host byte order. */
    public int sourceAddress() {
        return i32(12);
    }

    /** Writes the source address (host byte order) without touching any checksum. */
    public void sourceAddress(int address) {
        i32(12, address);
    }

    /**
     * Writes the source address (host byte order), updates the header checksum incrementally
     * and returns the old address, for the transport checksum update.
     */
    public int replaceSourceAddress(int address) {
        int old = i32(12);
        i32(12, address);
        u16(10, InternetChecksum.update32(u16(10), old, address));
        return old;
    }

    /** Destination address, host byte order. */
    public int destinationAddress() {
        return i32(16);
    }

    /** Writes the destination address (host byte order) without touching any checksum. */
    public void destinationAddress(int address) {
        i32(16, address);
    }

    /**
     * Writes the destination address (host byte order), updates the header checksum
     * incrementally and returns the old address, for the transport checksum update.
     */
    public int replaceDestinationAddress(int address) {
        int old = i32(16);
        i32(16, address);
        u16(10, InternetChecksum.update32(u16(10), old, address));
        return old;
    }

    /** Option byte {@code index} (0-based, from byte 20 of the header). */
    public int optionByte(int index) {
        return u8(MIN_HEADER_LENGTH + index);
    }

    /** The header checksum over {@link #headerLength()} bytes, taking the field as zero. */
    public int computeHeaderChecksum() {
        return InternetChecksum.ipv4Header(segment(), offset(), headerLength());
    }

    /** Recomputes the header checksum in full and writes it. */
    public void updateHeaderChecksum() {
        u16(10, computeHeaderChecksum());
    }

    /** Whether the header, checksum field included, sums to 0xFFFF. */
    public boolean isHeaderChecksumValid() {
        return InternetChecksum.isIpv4HeaderValid(segment(), offset(), headerLength());
    }

    /** The unfolded pseudo-header sum for a transport segment of {@code l4LengthBytes}. */
    public long pseudoHeaderSum(int l4LengthBytes) {
        return TransportChecksum.ipv4PseudoHeaderSum(
                i32(12), i32(16), u8(9), l4LengthBytes);
    }

    /** Length of the payload by the header: {@code totalLength() - headerLength()}. */
    public int payloadLength() {
        return totalLength() - headerLength();
    }
}
