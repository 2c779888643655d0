package io.jlvs.dataplane.io;

/**
 * Shape of an {@link RxRing}: {@code frameCount} slots of {@code frameSizeBytes}, laid out by the
 * kernel in blocks of {@link #BLOCK_BYTES}.
 *
 * @param interfaceName the interface to receive on
 * @param frameSizeBytes bytes per slot, header included: a power of two from 256 to
 *        {@link #BLOCK_BYTES}; frames longer than the slot holds are truncated (and dropped by the
 *        pipeline as {@code truncated_capture})
 * @param frameCount number of slots, a multiple of the slots per block; what the ring can hold
 *        while the worker is away (descheduled, sweeping) before the kernel drops
 * @param fanoutGroupId {@code PACKET_FANOUT_HASH} group to join (0..65535), or -1 for none
 * @param ignoreOutgoing whether to skip frames this host sends ({@code PACKET_IGNORE_OUTGOING})
 * @param newFlowFrames slots of a second ring for the frames that open a TCP connection (see
 *                      {@link RxRing}), 0 for none; a multiple of the slots per block
 */
public record RxRingConfig(String interfaceName, int frameSizeBytes, int frameCount, int fanoutGroupId,
                           boolean ignoreOutgoing, int newFlowFrames) {
    /** No fanout group. */
    public static final int NO_FANOUT = -1;
    /** Size of the kernel's allocation unit for the ring: 32 pages of 4 KiB. */
    public static final int BLOCK_BYTES = 128 * 1024;
    /** Default slot size: a 1500-byte-MTU frame and its header. */
    public static final int DEFAULT_FRAME_BYTES = 2048;
    /** Default slot count: 16 MiB of ring, 48 ms of a 170 kpps flood. */
    public static final int DEFAULT_FRAME_COUNT = 8192;
    /** Fewest slots. */
    public static final int MIN_FRAME_COUNT = 64;
    /** Most slots: 2^20 (2 GiB of 2 KiB slots). */
    public static final int MAX_FRAME_COUNT = 1 << 20;

    /** Validates the shape. */
    public RxRingConfig {
        if (frameSizeBytes < 256 || frameSizeBytes > BLOCK_BYTES || Integer.bitCount(frameSizeBytes) != 1) {
            throw new IllegalArgumentException("rx ring on " + interfaceName
                    + ": frame size must be a power of two from 256 to " + BLOCK_BYTES + ", was " + frameSizeBytes);
        }
        int perBlock = BLOCK_BYTES / frameSizeBytes;
        if (frameCount < MIN_FRAME_COUNT || frameCount > MAX_FRAME_COUNT || frameCount % perBlock != 0) {
            throw new IllegalArgumentException("rx ring on " + interfaceName + ": frame count must be "
                    + MIN_FRAME_COUNT + ".." + MAX_FRAME_COUNT + " and a multiple of " + perBlock
                    + " (frames per block), was " + frameCount);
        }
        if (newFlowFrames != 0 && (newFlowFrames < MIN_FRAME_COUNT || newFlowFrames > MAX_FRAME_COUNT
                || newFlowFrames % perBlock != 0)) {
            throw new IllegalArgumentException("rx ring on " + interfaceName + ": new-flow frame count must be 0 or "
                    + MIN_FRAME_COUNT + ".." + MAX_FRAME_COUNT + " and a multiple of " + perBlock + ", was "
                    + newFlowFrames);
        }
        if (fanoutGroupId < NO_FANOUT || fanoutGroupId > 0xFFFF) {
            throw new IllegalArgumentException("rx ring on " + interfaceName + ": fanout group must be 0..65535 or -1, was "
                    + fanoutGroupId);
        }
    }

    /** {@link #DEFAULT_FRAME_COUNT} slots of {@link #DEFAULT_FRAME_BYTES}, no fanout, outgoing frames ignored. */
    public static RxRingConfig of(String interfaceName) {
        return new RxRingConfig(interfaceName, DEFAULT_FRAME_BYTES, DEFAULT_FRAME_COUNT, NO_FANOUT, true, 0);
    }

    /** The same ring with {@code count} slots, rounded up to a whole block. */
    public RxRingConfig withFrames(int count) {
        return new RxRingConfig(interfaceName, frameSizeBytes, roundToBlocks(count), fanoutGroupId, ignoreOutgoing,
                newFlowFrames);
    }

    /** The same ring with a new-flow ring of {@code count} slots, rounded up to a whole block (0: none). */
    public RxRingConfig withNewFlowFrames(int count) {
        return new RxRingConfig(interfaceName, frameSizeBytes, frameCount, fanoutGroupId, ignoreOutgoing,
                count == 0 ? 0 : roundToBlocks(count));
    }

    /** The new-flow ring's own shape: its slot count, a fanout group of its own (when this ring has one), no new-flow ring. */
    RxRingConfig newFlowRing() {
        int group = fanoutGroupId == NO_FANOUT ? NO_FANOUT : fanoutGroupId ^ 0x8000;
        return new RxRingConfig(interfaceName, frameSizeBytes, newFlowFrames, group, ignoreOutgoing, 0);
    }

    private int roundToBlocks(int count) {
        int perBlock = BLOCK_BYTES / frameSizeBytes;
        return Math.max(MIN_FRAME_COUNT, (count + perBlock - 1) / perBlock * perBlock);
    }

    /** The same ring in fanout group {@code groupId}. */
    public RxRingConfig withFanoutGroup(int groupId) {
        return new RxRingConfig(interfaceName, frameSizeBytes, frameCount, groupId, ignoreOutgoing, newFlowFrames);
    }

    /** The same ring with {@code PACKET_IGNORE_OUTGOING} on or off. */
    public RxRingConfig withIgnoreOutgoing(boolean ignore) {
        return new RxRingConfig(interfaceName, frameSizeBytes, frameCount, fanoutGroupId, ignore, newFlowFrames);
    }

    /** Number of kernel blocks. */
    public int blockCount() {
        return frameCount / (BLOCK_BYTES / frameSizeBytes);
    }

    /** Total bytes mapped. */
    public long sizeBytes() {
        return (long) frameSizeBytes * frameCount;
    }
}
