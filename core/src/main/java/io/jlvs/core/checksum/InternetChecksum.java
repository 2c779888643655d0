package io.jlvs.core.checksum;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum of RFC 1071 and its incremental update by RFC 1624.
 *
 * <p>The checksum is the 16-bit one's complement of the one's complement sum of the data
 * taken as big-endian 16-bit words (an odd last byte is padded with a zero byte). This class
 * adds the data as 32-bit words into a {@code long} and folds the carries back in at the end,
 * which gives the same 16-bit sum because 2<sup>16</sup> &equiv; 1 (mod 0xFFFF). RFC 1071's
 * example: the bytes {@code 00 01 f2 03 f4 f5 f6 f7} sum to {@code 0xddf2}; the checksum is
 * {@code 0x220d}.
 *
 * <p>Values are host-order {@code int}s holding the 16-bit field as it appears on the wire
 * (the checksum field bytes {@code 22 0d} are {@code 0x220d}). Every method is static,
 * allocation-free and thread-safe.
 */
public final class InternetChecksum {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {
    }

    /**
     * The unfolded one's complement sum of {@code lengthBytes} bytes from {@code offset}: add
     * more partial sums to it (pseudo-header, other ranges starting at an even offset from the
     * first), then {@link #fold} it.
     */
    public static long sum(MemorySegment segment, long offset, int lengthBytes) {
        long sum = 0;
        int i = 0;
        int words = lengthBytes & ~7;
        for (; i < words; i += 8) {
            long v = segment.get(U64, offset + i);
            sum += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        if ((lengthBytes & 4) != 0) {
            sum += segment.get(U32, offset + i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if ((lengthBytes & 2) != 0) {
            sum += segment.get(U16, offset + i) & 0xFFFF;
            i += 2;
        }
        if ((lengthBytes & 1) != 0) {
            sum += (segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << 8;
        }
        return sum;
    }

    /**
     * Folds an unfolded sum to 16 bits with end-around carry. A sum of terms that are not all
     * zero folds to 0x0001..0xFFFF (never +0), the form both the full and the incremental
     * computation produce.
     */
    public static int fold(long sum) {
        long s = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /** The checksum (complement of the folded sum) of an unfolded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** The Internet checksum of {@code lengthBytes} bytes from {@code offset}. */
    public static int checksum(MemorySegment segment, long offset, int lengthBytes) {
        return finish(sum(segment, offset, lengthBytes));
    }

    /**
     * The checksum of a range that contains its own checksum field, computed as if that field
     * were zero, without writing to the range: the field's value is subtracted from the sum.
     *
     * @param fieldOffset offset of the 16-bit checksum field in {@code segment}, at an even
     *        distance from {@code offset}
     * @param extraSum unfolded sum to add (a pseudo-header), 0 if none
     */
    public static int checksumWithFieldZero(MemorySegment segment, long offset, int lengthBytes,
            long fieldOffset, long extraSum) {
        int field = segment.get(U16, fieldOffset) & 0xFFFF;
        return finish(extraSum + sum(segment, offset, lengthBytes) + (~field & 0xFFFF));
    }

    /**
     * RFC 1624 eqn. 3, {@code HC' = ~(~HC + ~m + m')}: the checksum after a 16-bit word of the
     * covered data changes from {@code oldWord} to {@code newWord}. Gives the same value as a
     * full recomputation, including where eqn. 2 gives 0xFFFF for a true 0x0000.
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3 for a 32-bit field (an IPv4 address, a sequence number) that starts at an
     * even offset of the covered data: both 16-bit halves at once.
     */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF)
                + (~oldValue >>> 16 & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16 & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * The IPv4 header checksum of the header at {@code ipOffset}, computed as if its checksum
     * field (bytes 10..11) were zero. Store it to make the header valid.
     */
    public static int ipv4Header(MemorySegment segment, long ipOffset, int headerLengthBytes) {
        return checksumWithFieldZero(segment, ipOffset, headerLengthBytes, ipOffset + 10, 0);
    }

    /** Whether the IPv4 header at {@code ipOffset}, checksum field included, sums to 0xFFFF. */
    public static boolean isIpv4HeaderValid(MemorySegment segment, long ipOffset, int headerLengthBytes) {
        return fold(sum(segment, ipOffset, headerLengthBytes)) == 0xFFFF;
    }
}
