package io.jlvs.config.model;

import io.jlvs.core.conn.Defense;

/**
 * The connection table's defence against exhaustion: {@code global.defense} in the service file,
 * with the kernel's IPVS sysctls ({@code drop_entry}, {@code drop_packet}, {@code secure_tcp}:
 * 0 off, 1 automatic, 2 on while under pressure, 3 always; {@code amemthresh},
 * {@code am_droprate}), where "under pressure" means fewer than {@code amemthresh} free
 * connection-table entries (see {@link Defense}).
 *
 * @param dropEntry                  {@code drop_entry}, 0..3
 * @param dropPacket                 {@code drop_packet}, 0..3
 * @param secureTcp                  {@code secure_tcp}, 0..3
 * @param amemthresh                 free table entries below which the table is under pressure
 * @param amDroprate                 {@code am_droprate}: one new connection in this many refused at
 *                                   {@code drop_packet} 3
 * @param synRecvSecondsUnderPressure SYN_RECV/SYNACK timeout while under pressure (jlvs's own; the
 *                                   kernel keeps 60 s)
 * @param perSourceSynLimit          SYN_RECV/SYNACK entries one client address may hold, 0 for no
 *                                   limit (jlvs's own; the kernel has none)
 */
public record DefenseSettings(int dropEntry, int dropPacket, int secureTcp, int amemthresh, int amDroprate,
                              int synRecvSecondsUnderPressure, int perSourceSynLimit) {
    /** The kernel's defaults: every mode off, amemthresh 1024, am_droprate 10; 5 s under pressure, no per-source limit. */
    public static final DefenseSettings DEFAULT = new DefenseSettings(0, 0, 0, Defense.DEFAULT_AMEMTHRESH,
            Defense.DEFAULT_AM_DROPRATE, Defense.DEFAULT_PRESSURE_SYN_RECV_S, 0);
    /** Largest amemthresh. */
    public static final int MAX_AMEMTHRESH = GlobalSettings.MAX_CAPACITY;

    /** Checks the ranges as {@link Defense#configure} does. */
    public DefenseSettings {
        new Defense().configure(dropEntry, dropPacket, secureTcp, amemthresh, amDroprate,
                synRecvSecondsUnderPressure, perSourceSynLimit);
    }

    /** Applies these settings to a running defence. */
    public void applyTo(Defense defense) {
        defense.configure(dropEntry, dropPacket, secureTcp, amemthresh, amDroprate, synRecvSecondsUnderPressure,
                perSourceSynLimit);
    }
}
