package io.jlvs.director.adm;

/**
 * Counters and rates of a service or real server as {@code ipvsadm --stats/--rate} shows
 * them (IPVS-SEMANTICS §2.10). All values are unsigned 64-bit; rates are already rounded.
 *
 * @param conns    connections scheduled
 * @param inPkts   packets client to server
 * @param outPkts  packets server to client (NAT only)
 * @param inBytes  bytes client to server
 * @param outBytes bytes server to client
 * @param cps      connections per second
 * @param inPps    packets per second in
 * @param outPps   packets per second out
 * @param inBps    bytes per second in
 * @param outBps   bytes per second out
 */
public record StatsView(long conns, long inPkts, long outPkts, long inBytes, long outBytes,
                        long cps, long inPps, long outPps, long inBps, long outBps) {
    /** All zero. */
    public static final StatsView ZERO = new StatsView(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Counters with zero rates. */
    public static StatsView counters(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
        return new StatsView(conns, inPkts, outPkts, inBytes, outBytes, 0, 0, 0, 0, 0);
    }

    /** Rates with zero counters. */
    public static StatsView rates(long cps, long inPps, long outPps, long inBps, long outBps) {
        return new StatsView(0, 0, 0, 0, 0, cps, inPps, outPps, inBps, outBps);
    }
}
