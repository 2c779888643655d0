package io.jlvs.core.conn;

/**
 * Connection timeouts in seconds: the IPVS TCP per-state table, the UDP timeout, and
 * {@code ipvsadm --set tcp tcpfin udp} (IPVS-SEMANTICS §2.3).
 *
 * <p>{@code --set} changes only ESTABLISHED (tcp), FIN_WAIT (tcpfin) and UDP; a value 0
 * keeps the current one. Connections pick up new values the next time a packet re-arms
 * their timer; running timers are not rewritten. The control thread writes; workers
 * read a published immutable array, without locks or allocation.
 */
public final class Timeouts {
    /** A new connection's placeholder timeout until its first state transition. */
    public static final int NEW_CONN_S = 3;
    /** A persistence template kept alive by controlled connections is re-checked this often. */
    public static final int TEMPLATE_RECHECK_S = 60;
    /** The largest value {@code ipvsadm --set} accepts (31 days). */
    public static final int MAX_S = 2678400;
    /** The kernel's ESTABLISHED timeout, {@code --set}'s tcp. */
    public static final int DEFAULT_TCP_S = 900;
    /** The kernel's FIN_WAIT timeout, {@code --set}'s tcpfin. */
    public static final int DEFAULT_TCP_FIN_S = 120;
    /** The kernel's UDP timeout, {@code --set}'s udp. */
    public static final int DEFAULT_UDP_S = 300;

    private static final int[] TCP_DEFAULTS_S = {
        2,                  // NONE
        DEFAULT_TCP_S,      // ESTABLISHED
        120,                // SYN_SENT
        60,                 // SYN_RECV
        DEFAULT_TCP_FIN_S,  // FIN_WAIT
        120,                // TIME_WAIT
        10,                 // CLOSE
        60,                 // CLOSE_WAIT
        30,                 // LAST_ACK
        120,                // LISTEN
        120,                // SYNACK
    };

    /** TCP timeouts by state, then the UDP timeout at index {@link TcpState#COUNT}. */
    private volatile int[] table;

    /** The kernel defaults. */
    public Timeouts() {
        int[] t = new int[TcpState.COUNT + 1];
        System.arraycopy(TCP_DEFAULTS_S, 0, t, 0, TcpState.COUNT);
        t[TcpState.COUNT] = DEFAULT_UDP_S;
        table = t;
    }

    /** Timeout of a TCP state, seconds. Workers; no allocation. */
    public int tcpS(int state) {
        return table[state];
    }

    /** The UDP timeout, seconds. Workers; no allocation. */
    public int udpS() {
        return table[TcpState.COUNT];
    }

    /**
     * Control thread: {@code ipvsadm --set tcp tcpfin udp}, seconds, 0 keeps the current
     * value.
     *
     * @throws IllegalArgumentException naming the value outside 0..2678400
     */
    public void set(int tcpS, int tcpFinS, int udpS) {
        check("tcp", tcpS);
        check("tcpfin", tcpFinS);
        check("udp", udpS);
        int[] t = table.clone();
        if (tcpS != 0) {
            t[TcpState.ESTABLISHED] = tcpS;
        }
        if (tcpFinS != 0) {
            t[TcpState.FIN_WAIT] = tcpFinS;
        }
        if (udpS != 0) {
            t[TcpState.COUNT] = udpS;
        }
        table = t;
    }

    private static void check(String name, int value) {
        if (value < 0 || value > MAX_S) {
            throw new IllegalArgumentException(name + " timeout must be 0.." + MAX_S + " s, was " + value);
        }
    }
}
