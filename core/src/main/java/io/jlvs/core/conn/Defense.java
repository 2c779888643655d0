package io.jlvs.core.conn;

import java.util.concurrent.ThreadLocalRandom;

/**
 * IPVS's defence against connection-table exhaustion ({@code drop_entry}, {@code drop_packet},
 * {@code secure_tcp}, {@code amemthresh}, {@code am_droprate}), with the kernel's sysctl names,
 * values and automatic levels, where the kernel's "available memory below {@code amemthresh}"
 * is, for jlvs, "free connection-table entries below {@code amemthresh}": the table is the
 * memory that a flood exhausts.
 *
 * <p>Each of the three modes takes 0..3 as in the kernel: 0 off; 1 automatic, armed when the
 * table is under pressure (the sysctl then reads 2); 2 on while under pressure, back to 1 when
 * the pressure ends; 3 always on. {@link #update} recomputes the levels from the free entries,
 * once a second as the kernel's defence timer does:
 * <ul>
 * <li>{@code drop_entry}: {@link ConnTracker#dropEntries} evicts embryonic TCP entries
 *     (SYN_RECV, SYNACK) at random; established ones are never evicted;</li>
 * <li>{@code drop_packet}: new connections are refused at the rate {@code amemthresh /
 *     (amemthresh - free)} (one in that many) under pressure, or one in {@code am_droprate}
 *     at level 3;</li>
 * <li>{@code secure_tcp}: the TCP state table becomes the kernel's "dos" table (a client ACK
 *     alone does not establish a NAT connection; SYNs of DR/TUN connections enter SYNACK).</li>
 * </ul>
 * Beyond the kernel:
 * <ul>
 * <li>under pressure (fewer than {@code amemthresh} free entries) embryonic entries expire
 *     after {@link #pressureSynRecvSeconds} instead of SYN_RECV's 60 s;</li>
 * <li>while {@code drop_entry} is not 0, a new connection that finds the table full evicts the
 *     embryonic entry nearest its expiry near its own place in the table instead of being
 *     refused (a full table is pressure; the once-a-second reading would come too late);</li>
 * <li>{@link #perSourceSynLimit}: a client address may hold at most this many embryonic
 *     entries (0: no limit, the default, as the kernel has none).</li>
 * </ul>
 *
 * <p>Settings and {@link #update} are control path; the per-packet reads are volatile reads;
 * {@link #refuseNewConnection} draws from the worker's {@link ThreadLocalRandom} (no shared
 * write per packet).
 */
public final class Defense {
    /** {@code amemthresh} default: free entries below which the table is under pressure. */
    public static final int DEFAULT_AMEMTHRESH = 1024;
    /** {@code am_droprate} default. */
    public static final int DEFAULT_AM_DROPRATE = 10;
    /** Default SYN_RECV/SYNACK timeout under pressure, seconds. */
    public static final int DEFAULT_PRESSURE_SYN_RECV_S = 5;

    private volatile int dropEntry;
    private volatile int dropPacket;
    private volatile int secureTcp;
    private volatile int amemthresh = DEFAULT_AMEMTHRESH;
    private volatile int amDroprate = DEFAULT_AM_DROPRATE;
    private volatile int pressureSynRecvS = DEFAULT_PRESSURE_SYN_RECV_S;
    private volatile int perSourceSynLimit;

    private volatile boolean pressure;
    private volatile boolean dropEntryArmed;
    private volatile int dropRate;
    private volatile boolean secure;

    /** All modes off, kernel defaults for the thresholds. */
    public Defense() {
    }

    /**
     * Sets the three modes (0..3 each) and the thresholds, as {@code sysctl -w} does, and
     * applies them to the current pressure at the next {@link #update}.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public synchronized void configure(int dropEntry, int dropPacket, int secureTcp, int amemthresh, int amDroprate,
                                       int pressureSynRecvSeconds, int perSourceSynLimit) {
        checkMode("drop_entry", dropEntry);
        checkMode("drop_packet", dropPacket);
        checkMode("secure_tcp", secureTcp);
        if (amemthresh < 0) {
            throw new IllegalArgumentException("amemthresh must be 0 or more, was " + amemthresh);
        }
        if (amDroprate < 1) {
            throw new IllegalArgumentException("am_droprate must be 1 or more, was " + amDroprate);
        }
        if (pressureSynRecvSeconds < 1 || pressureSynRecvSeconds > Timeouts.MAX_S) {
            throw new IllegalArgumentException("the SYN_RECV timeout under pressure must be 1.." + Timeouts.MAX_S
                    + " s, was " + pressureSynRecvSeconds);
        }
        if (perSourceSynLimit < 0) {
            throw new IllegalArgumentException("the per-source SYN_RECV limit must be 0 (none) or more, was "
                    + perSourceSynLimit);
        }
        this.perSourceSynLimit = perSourceSynLimit;
        this.dropEntry = dropEntry;
        this.dropPacket = dropPacket;
        this.secureTcp = secureTcp;
        this.amemthresh = amemthresh;
        this.amDroprate = amDroprate;
        this.pressureSynRecvS = pressureSynRecvSeconds;
    }

    private static void checkMode(String name, int value) {
        if (value < 0 || value > 3) {
            throw new IllegalArgumentException(name + " must be 0..3, was " + value);
        }
    }

    /**
     * Recomputes the defence from the table's free entries, as the kernel's once-a-second
     * {@code update_defense_level} does from the free memory; a mode at 1 reads 2 while
     * armed by pressure, one at 2 reads 1 once the pressure is gone. Control thread.
     */
    public synchronized void update(long freeEntries) {
        int threshold = amemthresh;
        boolean nomem = freeEntries < threshold;
        pressure = nomem;

        dropEntryArmed = armed(dropEntry, nomem);
        dropEntry = nextLevel(dropEntry, nomem);

        int pressureRate = nomem ? (int) Math.max(1, threshold / Math.max(1, threshold - freeEntries)) : 0;
        dropRate = !armed(dropPacket, nomem) ? 0 : dropPacket == 3 ? amDroprate : pressureRate;
        dropPacket = nextLevel(dropPacket, nomem);

        secure = armed(secureTcp, nomem);
        secureTcp = nextLevel(secureTcp, nomem);
    }

    /** Whether a mode at {@code level} is in effect: always at 3, under pressure at 1 and 2. */
    private static boolean armed(int level, boolean nomem) {
        return level == 3 || (level != 0 && nomem);
    }

    /** A mode's level after an update, as the kernel moves it: 1 reads 2 under pressure, 2 reads 1 after it. */
    private static int nextLevel(int level, boolean nomem) {
        if (level == 1 && nomem) {
            return 2;
        }
        return level == 2 && !nomem ? 1 : level;
    }

    /** Whether a new connection is refused now ({@code drop_packet}). Workers; no allocation, no shared write. */
    public boolean refuseNewConnection() {
        int rate = dropRate;
        return rate > 0 && (rate == 1 || ThreadLocalRandom.current().nextInt(rate) == 0);
    }

    /** Whether TCP states follow the kernel's "dos" table ({@code secure_tcp} in effect). Workers. */
    public boolean secureTcp() {
        return secure;
    }

    /** Whether embryonic entries are evicted at random now ({@code drop_entry} in effect). */
    public boolean dropEntryArmed() {
        return dropEntryArmed;
    }

    /**
     * Whether a new connection that finds the table full may evict an embryonic entry:
     * {@code drop_entry} is not 0. Workers.
     */
    public boolean evictWhenFull() {
        return dropEntry != 0;
    }

    /** Embryonic entries (SYN_RECV, SYNACK) a client address may hold; 0: no limit. Workers. */
    public int perSourceSynLimit() {
        return perSourceSynLimit;
    }

    /** Whether the table had fewer than {@code amemthresh} free entries at the last update. */
    public boolean underPressure() {
        return pressure;
    }

    /**
     * The timeout of an entry entering {@code state} with {@code normalS}: SYN_RECV and
     * SYNACK get {@link #pressureSynRecvSeconds} at most while under pressure. Workers.
     */
    public int timeoutS(int state, int normalS) {
        if (pressure && (state == TcpState.SYN_RECV || state == TcpState.SYNACK)) {
            return Math.min(normalS, pressureSynRecvS);
        }
        return normalS;
    }

    /** {@code drop_entry} as a sysctl reads it now (0..3). */
    public int dropEntry() {
        return dropEntry;
    }

    /** {@code drop_packet} as a sysctl reads it now (0..3). */
    public int dropPacket() {
        return dropPacket;
    }

    /** {@code secure_tcp} as a sysctl reads it now (0..3). */
    public int secureTcpMode() {
        return secureTcp;
    }

    /** {@code amemthresh}: free entries below which the table is under pressure. */
    public int amemthresh() {
        return amemthresh;
    }

    /** {@code am_droprate}: one new connection in this many refused at {@code drop_packet} 3. */
    public int amDroprate() {
        return amDroprate;
    }

    /** The refusal rate in effect (one in this many new connections; 0 none). */
    public int dropRate() {
        return dropRate;
    }

    /** SYN_RECV/SYNACK timeout under pressure, seconds. */
    public int pressureSynRecvSeconds() {
        return pressureSynRecvS;
    }
}
