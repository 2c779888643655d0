package io.jlvs.director.lab;

import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.io.TxRingConfig;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/**
 * Sends Ethernet frames given in hex on an interface through a {@link TxRing}; the tests run it
 * inside a lab namespace ({@code ip netns exec NS java ... FrameSender IF HEX...}) to put hand-built
 * packets on the wire there. Exits 0 when the kernel took every frame.
 */
public final class FrameSender {
    private static final int FLUSH_ATTEMPTS = 100;

    private FrameSender() {
    }

    /** {@code FrameSender INTERFACE HEX_FRAME...}. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FrameSender INTERFACE HEX_FRAME...");
            System.exit(2);
        }
        try (TxRing ring = TxRing.open(TxRingConfig.of(args[0]))) {
            for (int i = 1; i < args.length; i++) {
                byte[] frame = HexFormat.of().parseHex(args[i]);
                if (!ring.offer(MemorySegment.ofArray(frame), 0, frame.length)) {
                    System.err.println("FrameSender: the ring refused frame " + i);
                    System.exit(1);
                }
            }
            for (int attempt = 0; attempt < FLUSH_ATTEMPTS && ring.pendingFrames() > 0; attempt++) {
                long sent = ring.flush();
                if (sent < 0) {
                    System.err.println("FrameSender: send failed, errno " + (-sent));
                    System.exit(1);
                }
                if (ring.pendingFrames() > 0) {
                    Thread.sleep(10);
                }
            }
            System.exit(ring.pendingFrames() == 0 ? 0 : 1);
        }
    }
}
