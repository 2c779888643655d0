package io.jlvs.dataplane.io;

import java.util.Objects;

/**
 * The shape of one AF_XDP socket ({@link XskSocket}): the interface and RX queue it binds to,
 * the UMEM chunk size and how many chunks serve RX and TX. Every count is a power of two, as the
 * kernel's rings require.
 *
 * <p>The RX chunks all start in the fill ring, which holds them all, so giving a chunk back
 * never finds it full; the RX ring has {@code rxFrames} entries. With a new-flow ring
 * ({@code newFlowFrames} above 0, see {@link XskSocket}) a second RX ring of that many entries
 * shares the fill ring, and the UMEM has as many more RX chunks, so new flows that fill their
 * ring never take a chunk the established flows' ring needs; the fill ring is then
 * {@code 2 x rxFrames}. The TX chunks cycle through the TX and completion rings, each as large
 * as their number. UMEM bytes = (rxFrames + newFlowFrames + txFrames) x frameBytes; the
 * defaults take 16 MiB per socket.
 *
 * @param interfaceName the interface
 * @param queue         its RX queue (0 for veth and single-queue NICs)
 * @param frameBytes    UMEM chunk size: 2048 or 4096
 * @param rxFrames      chunks for receiving (fill and RX ring size)
 * @param txFrames      chunks for sending (TX and completion ring size)
 * @param newFlowFrames entries of the new-flow RX ring (TCP SYNs to a service), 0 for none; at
 *                      most {@code rxFrames}
 * @param needWakeup    bind with {@code XDP_USE_NEED_WAKEUP}, so {@code sendto} runs only when the
 *                      kernel asks (falls back to always when the kernel refuses the flag)
 */
public record XskConfig(String interfaceName, int queue, int frameBytes, int rxFrames, int txFrames,
                        int newFlowFrames, boolean needWakeup) {
    /** Default chunk size, in bytes. */
    public static final int DEFAULT_FRAME_BYTES = 2048;
    /** Default RX chunks. */
    public static final int DEFAULT_RX_FRAMES = 4096;
    /** Default TX chunks. */
    public static final int DEFAULT_TX_FRAMES = 4096;

    /** Checks the fields. */
    public XskConfig {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (queue < 0) {
            throw new IllegalArgumentException("queue must be 0 or more, was " + queue);
        }
        if (frameBytes != 2048 && frameBytes != 4096) {
            throw new IllegalArgumentException("frame size must be 2048 or 4096 bytes, was " + frameBytes);
        }
        checkPowerOfTwo("rx frames", rxFrames);
        checkPowerOfTwo("tx frames", txFrames);
        if (newFlowFrames != 0) {
            checkPowerOfTwo("new-flow frames", newFlowFrames);
            if (newFlowFrames > rxFrames) {
                throw new IllegalArgumentException("new-flow frames must be at most the rx frames (" + rxFrames
                        + "), was " + newFlowFrames);
            }
        }
    }

    private static void checkPowerOfTwo(String what, int n) {
        if (n < 2 || n > (1 << 20) || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException(what + " must be a power of two in 2..1048576, was " + n);
        }
    }

    /** The defaults for {@code interfaceName}, queue 0. */
    public static XskConfig of(String interfaceName) {
        return new XskConfig(interfaceName, 0, DEFAULT_FRAME_BYTES, DEFAULT_RX_FRAMES, DEFAULT_TX_FRAMES, 0, true);
    }

    /** This shape on RX queue {@code q}. */
    public XskConfig withQueue(int q) {
        return new XskConfig(interfaceName, q, frameBytes, rxFrames, txFrames, newFlowFrames, needWakeup);
    }

    /** This shape with {@code rx} RX and {@code tx} TX chunks (and no new-flow ring). */
    public XskConfig withFrames(int rx, int tx) {
        return new XskConfig(interfaceName, queue, frameBytes, rx, tx, 0, needWakeup);
    }

    /** This shape with a new-flow RX ring of {@code frames} entries (0: none). */
    public XskConfig withNewFlowFrames(int frames) {
        return new XskConfig(interfaceName, queue, frameBytes, rxFrames, txFrames, frames, needWakeup);
    }

    /** This shape with or without {@code XDP_USE_NEED_WAKEUP}. */
    public XskConfig withNeedWakeup(boolean on) {
        return new XskConfig(interfaceName, queue, frameBytes, rxFrames, txFrames, newFlowFrames, on);
    }

    /** UMEM chunks for receiving: the RX ring's and the new-flow ring's; the TX chunks follow them. */
    public int rxChunks() {
        return rxFrames + newFlowFrames;
    }

    /** Entries of the fill ring: a power of two that holds every RX chunk. */
    public int fillFrames() {
        return newFlowFrames == 0 ? rxFrames : 2 * rxFrames;
    }

    /** Bytes of UMEM the socket registers. */
    public long umemBytes() {
        return (long) (rxChunks() + txFrames) * frameBytes;
    }
}
