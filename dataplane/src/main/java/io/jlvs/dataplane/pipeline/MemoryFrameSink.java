package io.jlvs.dataplane.pipeline;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A {@link FrameSink} in heap memory: a fixed number of slots filled in order until
 * {@link #clear()}; for tests, pcap replays and benchmarks. Sending allocates nothing; reading
 * frames back ({@link #frame}) does.
 */
public final class MemoryFrameSink implements FrameSink {
    private final MemorySegment buffer;
    private final int slotBytes;
    private final int[] lengths;
    private int count;
    private long refused;

    /** {@code slots} slots of {@code slotBytes} each. */
    public MemoryFrameSink(int slots, int slotBytes) {
        this.buffer = MemorySegment.ofArray(new byte[slots * slotBytes]);
        this.slotBytes = slotBytes;
        this.lengths = new int[slots];
    }

    @Override
    public long claim() {
        if (count == lengths.length) {
            refused++;
            return -1;
        }
        return (long) count * slotBytes;
    }

    @Override
    public MemorySegment buffer() {
        return buffer;
    }

    @Override
    public int maxFrameBytes() {
        return slotBytes;
    }

    @Override
    public boolean commit(int lengthBytes) {
        if (count == lengths.length || lengthBytes < 0 || lengthBytes > slotBytes) {
            refused++;
            return false;
        }
        lengths[count++] = lengthBytes;
        return true;
    }

    @Override
    public void flush() {
    }

    /** Frames held. */
    public int count() {
        return count;
    }

    /** Frames refused because the sink was full or a frame too long. */
    public long refused() {
        return refused;
    }

    /** A copy of frame {@code index}. */
    public byte[] frame(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + count);
        }
        byte[] bytes = new byte[lengths[index]];
        MemorySegment.copy(buffer, (long) index * slotBytes, MemorySegment.ofArray(bytes), 0, bytes.length);
        return bytes;
    }

    /** Forgets every frame. */
    public void clear() {
        Arrays.fill(lengths, 0, count, 0);
        count = 0;
    }
}
