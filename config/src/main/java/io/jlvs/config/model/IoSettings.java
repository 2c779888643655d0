package io.jlvs.config.model;

import java.util.Locale;
import java.util.Optional;

/**
 * How the workers read and send frames: {@code global.io} in the service file.
 *
 * @param backend      which sockets the workers use
 * @param rxRingFrames receive-ring slots per worker and interface (AF_PACKET ring slots; AF_XDP RX
 *                     chunks, rounded up to a power of two)
 *                     ({@link #MIN_RX_RING_FRAMES}..{@link #MAX_RX_RING_FRAMES}, rounded up to a whole
 *                     kernel block): what a ring holds while its worker is away before the kernel drops
 * @param idleSpins    busy spins of an idle worker before it yields (0..{@link #MAX_IDLE_STEPS})
 * @param idleYields   yields after the spins before it sleeps in {@code poll()} (0..{@link #MAX_IDLE_STEPS})
 */
public record IoSettings(Backend backend, int rxRingFrames, int idleSpins, int idleYields) {
    /**
     * Default receive-ring slots: 16384 of 2 KiB per worker and interface (32 MiB), 55 ms of a
     * 300 kpps flood, enough to ride out a worker's descheduling on a shared 2-core machine
     * (8192 lost a few thousand frames of 3 million in some rounds of the lab benchmark).
     */
    public static final int DEFAULT_RX_RING_FRAMES = 16384;
    /** Fewest receive-ring slots. */
    public static final int MIN_RX_RING_FRAMES = 64;
    /** Most receive-ring slots. */
    public static final int MAX_RX_RING_FRAMES = 1 << 20;
    /**
     * Default spins: about a microsecond each on this project's machines, so a frame that comes
     * within ~100 µs of the last batch is taken without a wake-up, and a quiet worker leaves the
     * core to others within a fraction of a millisecond.
     */
    public static final int DEFAULT_IDLE_SPINS = 100;
    /** Default yields after the spins. */
    public static final int DEFAULT_IDLE_YIELDS = 10;
    /** Most spins or yields. */
    public static final int MAX_IDLE_STEPS = 1_000_000;
    /** The defaults: backend {@code auto}. */
    public static final IoSettings DEFAULT = new IoSettings(Backend.AUTO, DEFAULT_RX_RING_FRAMES,
            DEFAULT_IDLE_SPINS, DEFAULT_IDLE_YIELDS);

    /** The worker's sockets. */
    public enum Backend {
        /** AF_XDP where the kernel can load jlvs's XDP program on every interface, else AF_PACKET. */
        AUTO,
        /** AF_XDP sockets fed by jlvs's XDP program; jlvsd refuses to start where that fails. */
        AF_XDP,
        /** AF_PACKET rings (TPACKET_V2) with a fanout group per interface. */
        AF_PACKET;

        /** The name in the service file: {@code auto}, {@code af_xdp}, {@code af_packet}. */
        public String fileName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The backend of a service-file name, if it is one. */
        public static Optional<Backend> ofFileName(String name) {
            for (Backend b : values()) {
                if (b.fileName().equals(name)) {
                    return Optional.of(b);
                }
            }
            return Optional.empty();
        }
    }

    /** Checks the ranges. */
    public IoSettings {
        if (backend == null) {
            throw new IllegalArgumentException("io backend is missing");
        }
        if (rxRingFrames < MIN_RX_RING_FRAMES || rxRingFrames > MAX_RX_RING_FRAMES) {
            throw new IllegalArgumentException("rx-ring-frames must be " + MIN_RX_RING_FRAMES + ".."
                    + MAX_RX_RING_FRAMES + ", was " + rxRingFrames);
        }
        if (idleSpins < 0 || idleSpins > MAX_IDLE_STEPS || idleYields < 0 || idleYields > MAX_IDLE_STEPS) {
            throw new IllegalArgumentException("idle spins and yields must be 0.." + MAX_IDLE_STEPS + ", were "
                    + idleSpins + " and " + idleYields);
        }
    }
}
