package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.Ipv4Flyweight;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Slots for the fragments of a datagram that is larger than the route MTU and may be
 * fragmented (no DF), as the kernel's {@code ip_fragment} makes them (RFC 791 &sect;3.2).
 *
 * <pre>
 *  datagram  [eth][IP hdr, id X, MF m, offset o][payload P bytes .............................]
 *  slot 0    [eth][IP hdr, id X, MF 1, offset o          ][P[0, c)]        c = (MTU - hdr) &amp; ~7
 *  slot 1    [eth][IP hdr, id X, MF 1, offset o + c/8    ][P[c, 2c)]
 *  slot n-1  [eth][IP hdr, id X, MF m, offset o + (n-1)c/8][P[(n-1)c, P)]
 * </pre>
 *
 * <p>Every fragment repeats the Ethernet header and the IP header; in fragments after the
 * first, options without the copy flag are overwritten with NOPs (as Linux's
 * {@code ip_options_fragment} does, so the header length stays). A datagram that already is a
 * fragment keeps its offset base and, on its last piece, its own MF. Slots lie
 * {@code slotBytes} apart from the {@link #wrap} offset. One per worker; allocation-free after
 * construction.
 */
public final class FragmentBuffer {
    private static final int FLAG_MF = 0x2000;
    private static final int OFFSET_MASK = 0x1FFF;
    private static final int OPTION_COPIED = 0x80;

    private final int[] lengths;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int slotBytes;
    private int count;

    /** A buffer for at most {@code maxFragments} fragments per datagram. */
    public FragmentBuffer(int maxFragments) {
        if (maxFragments < 1) {
            throw new IllegalArgumentException("maxFragments must be at least 1, was " + maxFragments);
        }
        this.lengths = new int[maxFragments];
    }

    /** Points the slots at {@code segment}: slot {@code i} starts at {@code offset + i * slotBytes}. */
    public FragmentBuffer wrap(MemorySegment segment, long offset, int slotBytes) {
        this.segment = segment;
        this.offset = offset;
        this.slotBytes = slotBytes;
        this.count = 0;
        return this;
    }

    /** Fragments written by the last {@link ForwardVerdict#FRAGMENTED} verdict. */
    public int count() {
        return count;
    }

    /** The segment holding the fragments. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of fragment {@code index}'s frame in {@link #segment()}. */
    public long frameOffset(int index) {
        return offset + (long) index * slotBytes;
    }

    /** Length of fragment {@code index}'s frame. */
    public int frameLengthBytes(int index) {
        return lengths[index];
    }

    /**
     * Whether a datagram with {@code headerBytes} of IP header and {@code payloadBytes} after it
     * can be split for {@code mtuBytes} into these slots, behind {@code l2Bytes} of Ethernet.
     */
    boolean fits(int l2Bytes, int headerBytes, int payloadBytes, int mtuBytes) {
        int chunk = (mtuBytes - headerBytes) & ~7;
        if (chunk <= 0 || l2Bytes + mtuBytes > slotBytes) {
            return false;
        }
        int needed = (payloadBytes + chunk - 1) / chunk;
        return needed <= lengths.length
                && offset >= 0 && offset + (long) needed * slotBytes <= segment.byteSize();
    }

    /**
     * Splits the datagram of the frame at {@code frameOffset} in {@code source} (its IP header
     * {@code l2Bytes} in) for {@code mtuBytes}; {@link #fits} must have said yes. The slots must
     * not overlap the frame.
     */
    void split(MemorySegment source, long frameOffset, int l2Bytes, int mtuBytes) {
        Ipv4Flyweight original = ip.wrap(source, frameOffset + l2Bytes, Ipv4Flyweight.MIN_HEADER_LENGTH);
        int headerBytes = original.headerLength();
        int payloadBytes = original.totalLength() - headerBytes;
        int flags = original.flagsAndFragmentOffset();
        int baseOffsetUnits = flags & OFFSET_MASK;
        boolean lastHasMoreFragments = (flags & FLAG_MF) != 0;
        int keptFlags = flags & ~(FLAG_MF | OFFSET_MASK);
        int chunk = (mtuBytes - headerBytes) & ~7;
        long payloadOffset = frameOffset + l2Bytes + headerBytes;
        count = 0;
        for (int start = 0; start < payloadBytes; start += chunk) {
            int length = Math.min(chunk, payloadBytes - start);
            boolean last = start + length == payloadBytes;
            long slot = frameOffset(count);
            MemorySegment.copy(source, frameOffset, segment, slot, l2Bytes + headerBytes);
            MemorySegment.copy(source, payloadOffset + start, segment, slot + l2Bytes + headerBytes, length);
            Ipv4Flyweight fragment = ip.wrap(segment, slot + l2Bytes, headerBytes + length);
            fragment.totalLength(headerBytes + length);
            int moreFragments = !last || lastHasMoreFragments ? FLAG_MF : 0;
            int offsetUnits = (baseOffsetUnits + (start >>> 3)) & OFFSET_MASK;
            fragment.flagsAndFragmentOffset(keptFlags | moreFragments | offsetUnits);
            if (count > 0 && headerBytes > Ipv4Flyweight.MIN_HEADER_LENGTH) {
                blankUncopiedOptions(slot + l2Bytes, headerBytes);
            }
            fragment.updateHeaderChecksum();
            lengths[count++] = l2Bytes + headerBytes + length;
        }
    }

    /** Overwrites options without the copy flag with NOPs (the parser checked their lengths). */
    private void blankUncopiedOptions(long ipOffset, int headerBytes) {
        int i = Ipv4Flyweight.MIN_HEADER_LENGTH;
        while (i < headerBytes) {
            int type = segment.get(ValueLayout.JAVA_BYTE, ipOffset + i) & 0xFF;
            if (type == Ipv4Flyweight.OPTION_END) {
                return;
            }
            if (type == Ipv4Flyweight.OPTION_NOP) {
                i++;
                continue;
            }
            int length = i + 1 < headerBytes ? segment.get(ValueLayout.JAVA_BYTE, ipOffset + i + 1) & 0xFF : 0;
            if (length < 2 || i + length > headerBytes) {
                return;
            }
            if ((type & OPTION_COPIED) == 0) {
                for (int j = 0; j < length; j++) {
                    segment.set(ValueLayout.JAVA_BYTE, ipOffset + i + j, (byte) Ipv4Flyweight.OPTION_NOP);
                }
            }
            i += length;
        }
    }
}
