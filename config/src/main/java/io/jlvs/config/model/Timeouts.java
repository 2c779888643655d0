package io.jlvs.config.model;

/**
 * The three connection timeouts {@code ipvsadm --set tcp tcpfin udp} sets, in seconds:
 * TCP ESTABLISHED, TCP FIN_WAIT and UDP (IPVS-SEMANTICS §2.3).
 *
 * @param tcpSeconds    ESTABLISHED timeout, 1..2678400 (IPVS default 900)
 * @param tcpFinSeconds FIN_WAIT timeout, 1..2678400 (IPVS default 120)
 * @param udpSeconds    UDP timeout, 1..2678400 (IPVS default 300)
 */
public record Timeouts(int tcpSeconds, int tcpFinSeconds, int udpSeconds) {
    /** The largest timeout ipvsadm accepts: 31 days. */
    public static final int MAX_SECONDS = io.jlvs.core.conn.Timeouts.MAX_S;
    /** The IPVS defaults: 900, 120, 300. */
    public static final Timeouts DEFAULT = new Timeouts(io.jlvs.core.conn.Timeouts.DEFAULT_TCP_S,
            io.jlvs.core.conn.Timeouts.DEFAULT_TCP_FIN_S, io.jlvs.core.conn.Timeouts.DEFAULT_UDP_S);

    /** Checks the ranges. */
    public Timeouts {
        check("tcp", tcpSeconds);
        check("tcpfin", tcpFinSeconds);
        check("udp", udpSeconds);
    }

    private static void check(String name, int seconds) {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException(name + " timeout must be 1.." + MAX_SECONDS
                    + " seconds, was " + seconds);
        }
    }
}
