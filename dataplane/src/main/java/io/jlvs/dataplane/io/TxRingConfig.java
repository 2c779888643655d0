package io.jlvs.dataplane.io;

/**
 * Shape of a {@link TxRing}.
 *
 * @param interfaceName the interface to send on
 * @param frameSizeBytes size of one slot, a power of two from 128 to 65536; a frame may use
 *        {@code frameSizeBytes - 32} bytes
 * @param frameCount number of slots (rounded up to whole 64 KiB blocks)
 * @param batchFrames frames committed before the ring flushes by itself
 * @param qdiscBypass whether frames skip the interface's queueing discipline ({@code PACKET_QDISC_BYPASS})
 */
public record TxRingConfig(String interfaceName, int frameSizeBytes, int frameCount, int batchFrames,
                           boolean qdiscBypass) {
    /** The kernel's ring blocks are this large; every slot size divides it. */
    static final int BLOCK_SIZE_BYTES = 1 << 16;

    /** Validates the shape. */
    public TxRingConfig {
        if (frameSizeBytes < 128 || frameSizeBytes > BLOCK_SIZE_BYTES || Integer.bitCount(frameSizeBytes) != 1) {
            throw new IllegalArgumentException("tx ring on " + interfaceName
                    + ": frame size must be a power of two from 128 to 65536, was " + frameSizeBytes);
        }
        if (frameCount <= 0 || batchFrames <= 0) {
            throw new IllegalArgumentException("tx ring on " + interfaceName
                    + ": frame count and batch must be > 0, were " + frameCount + " and " + batchFrames);
        }
    }

    /** 1024 slots of 2 KiB, flushed every 64 frames, bypassing the qdisc. */
    public static TxRingConfig of(String interfaceName) {
        return new TxRingConfig(interfaceName, 2048, 1024, 64, true);
    }

    /** Slots per kernel block. */
    int framesPerBlock() {
        return BLOCK_SIZE_BYTES / frameSizeBytes;
    }

    /** Kernel blocks, enough for {@link #frameCount()} slots. */
    int blockCount() {
        return (frameCount + framesPerBlock() - 1) / framesPerBlock();
    }

    /** Slots actually mapped ({@link #frameCount()} rounded up to whole blocks). */
    int slotCount() {
        return blockCount() * framesPerBlock();
    }
}
