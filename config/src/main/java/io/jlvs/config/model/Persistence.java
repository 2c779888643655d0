package io.jlvs.config.model;

import io.jlvs.core.net.Ipv4;

/**
 * Persistence of a service ({@code ipvsadm -p timeout -M netmask}, IPVS-SEMANTICS §2.7):
 * clients in the same netmask-wide network keep their real server while they have
 * connections, plus up to {@code timeoutSeconds} after their last new one.
 *
 * @param timeoutSeconds 1..2678400
 * @param netmask        contiguous IPv4 netmask, host byte order ({@code 0xFFFFFF00}
 *                       for 255.255.255.0)
 */
public record Persistence(int timeoutSeconds, int netmask) {
    /** ipvsadm's timeout when {@code -p} has no value (the man page's 300 is wrong). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 360;
    /** The largest timeout ipvsadm accepts. */
    public static final int MAX_TIMEOUT_SECONDS = 2_678_400;
    /** The default netmask, 255.255.255.255: one client address per template. */
    public static final int DEFAULT_NETMASK = 0xFFFFFFFF;
    /** {@code -p} with no value and no {@code -M}. */
    public static final Persistence DEFAULT = new Persistence(DEFAULT_TIMEOUT_SECONDS, DEFAULT_NETMASK);

    /** Checks the timeout range and that the netmask's one bits are contiguous. */
    public Persistence {
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("persistence timeout must be 1.." + MAX_TIMEOUT_SECONDS
                    + " seconds, was " + timeoutSeconds);
        }
        if (!isContiguous(netmask)) {
            throw new IllegalArgumentException("netmask is not contiguous: " + Ipv4.format(netmask));
        }
    }

    /** Whether the mask is some number of one bits followed only by zero bits. */
    public static boolean isContiguous(int netmask) {
        int inverted = ~netmask;
        return (inverted & (inverted + 1)) == 0;
    }
}
