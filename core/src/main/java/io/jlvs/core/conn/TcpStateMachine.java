package io.jlvs.core.conn;

import static io.jlvs.core.conn.TcpState.CLOSE;
import static io.jlvs.core.conn.TcpState.CLOSE_WAIT;
import static io.jlvs.core.conn.TcpState.ESTABLISHED;
import static io.jlvs.core.conn.TcpState.FIN_WAIT;
import static io.jlvs.core.conn.TcpState.LAST_ACK;
import static io.jlvs.core.conn.TcpState.LISTEN;
import static io.jlvs.core.conn.TcpState.SYN_RECV;
import static io.jlvs.core.conn.TcpState.SYN_SENT;
import static io.jlvs.core.conn.TcpState.TIME_WAIT;

/**
 * The IPVS TCP state tables ({@code tcp_states} in {@code ip_vs_proto_tcp.c}, normal
 * mode), IPVS-SEMANTICS §2.2.
 *
 * <p>A packet is classed by its flags with priority RST &gt; SYN &gt; FIN &gt; ACK; a
 * packet with none of the four sends the connection to CLOSE. Three views: INPUT
 * (client → server), OUTPUT (server → client, seen for NAT only) and INPUT-ONLY, used
 * for the input packets of connections flagged NOOUTPUT (DR, TUN). Example: a NAT
 * connection in SYN_RECV that sees a client ACK moves to ESTABLISHED; a client RST in
 * SYN_RECV leaves it in SYN_RECV.
 *
 * <p>Pure functions over constant tables: any thread, no allocation.
 */
public final class TcpStateMachine {
    /** TCP header flag bits (RFC 9293 §3.1, the low byte of the flags field). */
    public static final int FLAG_FIN = 0x01;
    public static final int FLAG_SYN = 0x02;
    public static final int FLAG_RST = 0x04;
    public static final int FLAG_PSH = 0x08;
    public static final int FLAG_ACK = 0x10;
    public static final int FLAG_URG = 0x20;

    /** Packet classes, in table row order. */
    public static final int CLASS_SYN = 0;
    public static final int CLASS_FIN = 1;
    public static final int CLASS_ACK = 2;
    public static final int CLASS_RST = 3;
    /** A packet with none of RST, SYN, FIN, ACK. */
    public static final int CLASS_NONE = -1;

    /** Views, in table order. */
    public static final int INPUT = 0;
    public static final int OUTPUT = 1;
    public static final int INPUT_ONLY = 2;

    private static final int NO = TcpState.NONE;
    private static final int ES = ESTABLISHED;
    private static final int SS = SYN_SENT;
    private static final int SR = SYN_RECV;
    private static final int FW = FIN_WAIT;
    private static final int TW = TIME_WAIT;
    private static final int CL = CLOSE;
    private static final int CW = CLOSE_WAIT;
    private static final int LA = LAST_ACK;
    private static final int LI = LISTEN;
    private static final int SA = TcpState.SYNACK;

    /** [view][class][current state] → next state. Columns NO ES SS SR FW TW CL CW LA LI SA. */
    private static final byte[][][] NEXT = {
        { // INPUT
            row(SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR), // syn
            row(CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW), // fin
            row(ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES), // ack
            row(CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR), // rst
        },
        { // OUTPUT
            row(SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR),
            row(TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW),
            row(ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES),
            row(CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL),
        },
        { // INPUT-ONLY
            row(SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR),
            row(CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW),
            row(ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES),
            row(CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL),
        },
    };

    /**
     * The kernel's "dos" table, in effect while {@code secure_tcp} is ({@link Defense}): a
     * client's ACK does not establish a connection still in SYN_RECV (only the server's answer
     * does, which a NAT director sees), a server's SYN-ACK moves SYN_RECV to SYNACK, and a
     * DR/TUN connection's SYN enters SYNACK.
     */
    private static final byte[][][] NEXT_SECURE = {
        { // INPUT
            row(SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA), // syn
            row(CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA), // fin
            row(ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA), // ack
            row(CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL), // rst
        },
        { // OUTPUT
            row(SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA),
            row(TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW),
            row(ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES),
            row(CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL),
        },
        { // INPUT-ONLY
            row(SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA),
            row(CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW),
            row(ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES),
            row(CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL),
        },
    };

    private TcpStateMachine() {
    }

    private static byte[] row(int... states) {
        byte[] r = new byte[states.length];
        for (int i = 0; i < states.length; i++) {
            r[i] = (byte) states[i];
        }
        return r;
    }

    /** The packet class of a TCP flags byte: RST &gt; SYN &gt; FIN &gt; ACK, else {@link #CLASS_NONE}. */
    public static int packetClass(int tcpFlags) {
        if ((tcpFlags & FLAG_RST) != 0) {
            return CLASS_RST;
        }
        if ((tcpFlags & FLAG_SYN) != 0) {
            return CLASS_SYN;
        }
        if ((tcpFlags & FLAG_FIN) != 0) {
            return CLASS_FIN;
        }
        if ((tcpFlags & FLAG_ACK) != 0) {
            return CLASS_ACK;
        }
        return CLASS_NONE;
    }

    /** The next state for a packet of {@code packetClass} seen in {@code view} in {@code state}. */
    public static int next(int view, int packetClass, int state) {
        if (packetClass == CLASS_NONE) {
            return CLOSE;
        }
        return NEXT[view][packetClass][state];
    }

    /** The next state for a packet with these TCP flags. */
    public static int nextForFlags(int view, int tcpFlags, int state) {
        return next(view, packetClass(tcpFlags), state);
    }

    /** The next state for a packet with these TCP flags, in the "dos" table when {@code secure}. */
    public static int nextForFlags(int view, int tcpFlags, int state, boolean secure) {
        if (!secure) {
            return nextForFlags(view, tcpFlags, state);
        }
        int packetClass = packetClass(tcpFlags);
        return packetClass == CLASS_NONE ? CLOSE : NEXT_SECURE[view][packetClass][state];
    }
}
