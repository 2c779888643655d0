package io.jlvs.director.adm;

import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnView;
import io.jlvs.core.conn.TcpState;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of {@code ipvsadm -Lnc}: a connection or persistence template.
 *
 * @param protocol       {@code TCP}, {@code UDP}, {@code SCTP}, or {@code IP} for fwmark templates
 * @param clientAddress  client IPv4 address (masked for templates), host byte order
 * @param clientPort     client port (0 for templates), host byte order
 * @param virtualAddress VIP, or the fwmark as an address for fwmark templates, host byte order
 * @param virtualPort    virtual port, host byte order
 * @param destAddress    real server address, host byte order
 * @param destPort       real server port, host byte order
 * @param state          state name ({@code ESTABLISHED}, {@code UDP}, {@code NONE}, {@code ASSURED}...)
 * @param expireSeconds  remaining time, whole seconds
 * @param peName         persistence engine name, empty when the entry has no PE data
 * @param peData         persistence engine data, empty when none
 */
public record ConnRow(String protocol, int clientAddress, int clientPort, int virtualAddress, int virtualPort,
                       int destAddress, int destPort, String state, long expireSeconds, String peName, String peData) {
    /**
     * The row of a table entry read at {@code nowMs} (IPVS-SEMANTICS §4.2): the protocol's name
     * ({@code IP} for a fwmark template), the remaining time in whole seconds (rounded down, never
     * below 0), the state ({@code ASSURED} or {@code NONE} for a template, the TCP state,
     * {@code UDP}, else {@code NONE}).
     */
    public static ConnRow from(ConnView entry, long nowMs) {
        String protocol = switch (entry.protocol) {
            case 0 -> "IP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> Integer.toString(entry.protocol);
        };
        String state;
        if (entry.isTemplate()) {
            state = (entry.flags & ConnTable.F_ASSURED) != 0 ? "ASSURED" : "NONE";
        } else if (entry.protocol == 6) {
            state = TcpState.name(entry.state);
        } else if (entry.protocol == 17) {
            state = "UDP";
        } else {
            state = "NONE";
        }
        return of(protocol, entry.caddr, entry.cport, entry.vaddr, entry.vport, entry.daddr, entry.dport, state,
                Math.max(0, entry.remainingMs(nowMs)) / 1000);
    }

    /** The rows of every live entry of {@code table} at {@code nowMs}, in table order; tolerates concurrent changes. */
    public static List<ConnRow> of(ConnTable table, long nowMs) {
        List<ConnRow> rows = new ArrayList<>();
        ConnView entry = new ConnView();
        for (int slot = 0; slot < table.slotCount(); slot++) {
            if (table.read(slot, entry)) {
                rows.add(from(entry, nowMs));
            }
        }
        return rows;
    }

    /** A row without PE data. */
    public static ConnRow of(String protocol, int clientAddress, int clientPort, int virtualAddress,
                              int virtualPort, int destAddress, int destPort, String state, long expireSeconds) {
        return new ConnRow(protocol, clientAddress, clientPort, virtualAddress, virtualPort, destAddress, destPort,
                state, expireSeconds, "", "");
    }
}
