package io.jlvs.core.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Base of the header views: a window {@code [offset, offset + length)} over a memory segment,
 * re-pointed with {@link #wrap} for every packet, with big-endian unaligned field access.
 *
 * <p>Accessors do not check the window: the {@link PacketParser} checks every length before
 * it wraps a header, and the segment itself throws {@link IndexOutOfBoundsException} on a
 * read outside its bounds (a programming error, never a packet error). Multi-byte fields are
 * read in network byte order and returned as host-order {@code int}/{@code long} values;
 * unsigned 8- and 16-bit fields come back as non-negative {@code int}s.
 */
public abstract class Flyweight {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int length;

    /**
     * Points this view at the header starting at {@code offset} in {@code segment}.
     *
     * @param length bytes available from {@code offset} to the end of the enclosing unit
     *        (frame, IP datagram or segment), at least the header length
     * @return this view
     */
    public Flyweight wrap(MemorySegment segment, long offset, int length) {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** The segment this view reads. */
    public final MemorySegment segment() {
        return segment;
    }

    /** Offset of the first header byte in {@link #segment()}. */
    public final long offset() {
        return offset;
    }

    /** Bytes available from {@link #offset()}, as given to {@link #wrap}. */
    public final int length() {
        return length;
    }

    final int u8(int at) {
        return segment.get(ValueLayout.JAVA_BYTE, offset + at) & 0xFF;
    }

    final void u8(int at, int value) {
        segment.set(ValueLayout.JAVA_BYTE, offset + at, (byte) value);
    }

    final int u16(int at) {
        return segment.get(U16, offset + at) & 0xFFFF;
    }

    final void u16(int at, int value) {
        segment.set(U16, offset + at, (short) value);
    }

    final int i32(int at) {
        return segment.get(U32, offset + at);
    }

    final void i32(int at, int value) {
        segment.set(U32, offset + at, value);
    }

    final long u48(int at) {
        return ((long) u16(at) << 32) | (i32(at + 2) & 0xFFFF_FFFFL);
    }

    final void u48(int at, long value) {
        u16(at, (int) (value >>> 32));
        i32(at + 2, (int) value);
    }

    final long i64(int at) {
        return segment.get(U64, offset + at);
    }

    final void i64(int at, long value) {
        segment.set(U64, offset + at, value);
    }
}
