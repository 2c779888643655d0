package io.jlvs.dataplane.io;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * The two classic BPF socket filters that split an AF_PACKET receive path in two, as the XDP
 * program does for AF_XDP: {@link #SYNS_ONLY} keeps exactly the frames that open a TCP
 * connection (untagged IPv4, TCP, fragment offset 0, of FIN, SYN, RST and ACK only SYN set),
 * for the new-flow ring; {@link #ALL_BUT_SYNS} keeps every other frame, for the first ring.
 * Every frame the interface receives is kept by exactly one of them.
 *
 * <p>The program, 12 instructions of {@code struct sock_filter} (u16 code, u8 jt, u8 jf, u32 k;
 * a jump goes to the next instruction + its offset), offsets from the Ethernet header as a
 * packet socket sees the frame:
 * <pre>
 * 0  ldh [12]               EtherType
 * 1  jeq #0x0800, 0, 9      not IPv4: other (11)
 * 2  ldb [23]               IPv4 protocol
 * 3  jeq #6, 0, 7           not TCP: other
 * 4  ldh [20]               flags and fragment offset
 * 5  jset #0x1fff, 5, 0     a later fragment: other
 * 6  ldxb 4*([14]&0xf)      X = IPv4 header length
 * 7  ldb [x + 27]           TCP flags (14 + 13)
 * 8  and #0x17              FIN, SYN, RST, ACK
 * 9  jeq #0x02, 0, 1        only SYN: a new flow (10), else other (11)
 * 10 ret #syn               what the filter returns for a new flow's SYN
 * 11 ret #other             for every other frame
 * </pre>
 * A {@code ret} of 0 drops the frame for this socket; a large value keeps it whole.
 */
public final class SynFilter {
    /** Bytes of one {@code struct sock_filter}. */
    public static final int INSTRUCTION_BYTES = 8;

    private static final int KEEP = 0x40000;
    private static final int DROP = 0;

    /** Keeps the frames that open a TCP connection, and nothing else. */
    public static final SynFilter SYNS_ONLY = new SynFilter(KEEP, DROP);
    /** Keeps every frame but those {@link #SYNS_ONLY} keeps. */
    public static final SynFilter ALL_BUT_SYNS = new SynFilter(DROP, KEEP);

    // Opcodes: class | size | mode (linux/filter.h).
    private static final short LDH_ABS = 0x28;
    private static final short LDB_ABS = 0x30;
    private static final short LDB_IND = 0x50;
    private static final short LDXB_MSH = 0xb1;
    private static final short JEQ_K = 0x15;
    private static final short JSET_K = 0x45;
    private static final short AND_K = 0x54;
    private static final short RET_K = 0x06;

    private final int[][] program;

    private SynFilter(int syn, int other) {
        this.program = new int[][] {
            {LDH_ABS, 0, 0, 12},
            {JEQ_K, 0, 9, 0x0800},
            {LDB_ABS, 0, 0, 23},
            {JEQ_K, 0, 7, 6},
            {LDH_ABS, 0, 0, 20},
            {JSET_K, 5, 0, 0x1fff},
            {LDXB_MSH, 0, 0, 14},
            {LDB_IND, 0, 0, 27},
            {AND_K, 0, 0, 0x17},
            {JEQ_K, 0, 1, 0x02},
            {RET_K, 0, 0, syn},
            {RET_K, 0, 0, other},
        };
    }

    /** Instructions in the program. */
    public int length() {
        return program.length;
    }

    /** Writes the program as {@code struct sock_filter[]} into {@code out} (at least {@link #length()} x 8 bytes). */
    public void write(MemorySegment out) {
        for (int i = 0; i < program.length; i++) {
            long at = (long) i * INSTRUCTION_BYTES;
            out.set(JAVA_SHORT, at, (short) program[i][0]);
            out.set(JAVA_BYTE, at + 2, (byte) program[i][1]);
            out.set(JAVA_BYTE, at + 3, (byte) program[i][2]);
            out.set(JAVA_INT, at + 4, program[i][3]);
        }
    }
}
