package io.jlvs.core.conn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checks every cell of the three IPVS TCP state tables against IPVS-SEMANTICS §2.2. */
class TcpStateMachineTest {
    /** Column order of the spec tables. */
    private static final List<String> COLUMNS =
            List.of("NO", "ES", "SS", "SR", "FW", "TW", "CL", "CW", "LA", "LI", "SA");
    /** The spec's abbreviations, mapped to the names ipvsadm prints. */
    private static final List<String> NAMES = List.of("NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV",
            "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK");

    /** Typed from IPVS-SEMANTICS.md §2.2, row by row. */
    private static final String SPEC = """
            INPUT
              syn        SR  ES  ES  SR  SR  SR  SR  SR  SR  SR  SR
              fin        CL  CW  SS  TW  TW  TW  CL  CW  LA  LI  TW
              ack        ES  ES  SS  ES  FW  TW  CL  CW  CL  LI  ES
              rst        CL  CL  CL  SR  CL  CL  CL  CL  LA  LI  SR
            OUTPUT
              syn        SS  ES  SS  SR  SS  SS  SS  SS  SS  LI  SR
              fin        TW  FW  SS  TW  FW  TW  CL  TW  LA  LI  TW
              ack        ES  ES  SS  ES  FW  TW  CL  CW  LA  ES  ES
              rst        CL  CL  SS  CL  CL  TW  CL  CL  CL  CL  CL
            INPUT-ONLY
              syn        SR  ES  ES  SR  SR  SR  SR  SR  SR  SR  SR
              fin        CL  FW  SS  TW  FW  TW  CL  CW  LA  LI  TW
              ack        ES  ES  SS  ES  FW  TW  CL  CW  CL  LI  ES
              rst        CL  CL  CL  SR  CL  CL  CL  CL  LA  LI  CL
            """;

    /** A flags byte per row name (RFC 9293 bit values: FIN 1, SYN 2, RST 4, ACK 16). */
    private static int flagsOf(String row) {
        return switch (row) {
            case "syn" -> 0x02;
            case "fin" -> 0x01 | 0x10;
            case "ack" -> 0x10;
            case "rst" -> 0x04;
            default -> throw new IllegalArgumentException(row);
        };
    }

    private static int stateNamed(String name) {
        for (int s = 0; s < TcpState.COUNT; s++) {
            if (TcpState.name(s).equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void everyCellMatchesTheSpecTables() {
        int view = -1;
        int cells = 0;
        for (String line : SPEC.split("\n")) {
            String[] f = line.trim().split("\\s+");
            switch (f[0]) {
                case "INPUT" -> view = TcpStateMachine.INPUT;
                case "OUTPUT" -> view = TcpStateMachine.OUTPUT;
                case "INPUT-ONLY" -> view = TcpStateMachine.INPUT_ONLY;
                default -> {
                    for (int col = 0; col < COLUMNS.size(); col++) {
                        int from = stateNamed(NAMES.get(col));
                        int expected = COLUMNS.indexOf(f[col + 1]);
                        int actual = TcpStateMachine.nextForFlags(view, flagsOf(f[0]), from);
                        assertEquals(NAMES.get(expected), TcpState.name(actual),
                                line.trim() + " column " + COLUMNS.get(col));
                        cells++;
                    }
                }
            }
        }
        assertEquals(3 * 4 * 11, cells);
    }

    @Test
    void flagPriorityIsRstThenSynThenFinThenAck() {
        assertEquals(TcpStateMachine.CLASS_RST, TcpStateMachine.packetClass(0x04 | 0x02 | 0x01 | 0x10));
        assertEquals(TcpStateMachine.CLASS_SYN, TcpStateMachine.packetClass(0x02 | 0x01 | 0x10));
        assertEquals(TcpStateMachine.CLASS_FIN, TcpStateMachine.packetClass(0x01 | 0x10 | 0x08));
        assertEquals(TcpStateMachine.CLASS_ACK, TcpStateMachine.packetClass(0x10 | 0x08 | 0x20));
    }

    @Test
    void packetWithoutRstSynFinAckClosesFromEveryState() {
        for (int view = 0; view < 3; view++) {
            for (int state = 0; state < TcpState.COUNT; state++) {
                assertEquals(TcpState.CLOSE, TcpStateMachine.nextForFlags(view, 0x08 | 0x20, state));
                assertEquals(TcpState.CLOSE, TcpStateMachine.nextForFlags(view, 0, state));
            }
        }
    }

    @Test
    void activeStatesAreEstablishedSynSentSynRecvSynack() {
        for (int state = 0; state < TcpState.COUNT; state++) {
            String name = NAMES.get(state);
            boolean expected = name.equals("ESTABLISHED") || name.equals("SYN_SENT")
                    || name.equals("SYN_RECV") || name.equals("SYNACK");
            assertEquals(expected, TcpState.isActive(state), name);
        }
    }
}
