package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ipvsadm -Lnc}: the connection listing (IPVS-SEMANTICS §4.2). Walks the table
 * slot by slot with consistent per-entry reads, so it tolerates concurrent changes (an
 * entry added or removed during the walk may or may not appear). Control side; allocates.
 */
public final class ConnListing {
    /** The header lines. */
    public static final String HEADER = "IPVS connection entries\n"
            + "pro expire state       source             virtual            destination";

    private ConnListing() {
    }

    /** The rows of all live entries at {@code nowMs}, in table order (not sorted). */
    public static List<String> rows(ConnTable table, long nowMs) {
        List<String> rows = new ArrayList<>();
        ConnView view = new ConnView();
        for (int slot = 0; slot < table.slotCount(); slot++) {
            if (table.read(slot, view)) {
                rows.add(row(view, nowMs));
            }
        }
        return rows;
    }

    /**
     * One row: {@code "%-3s %-6s %-11s %-18s %-18s %s"} of protocol, remaining time as
     * {@code mm:ss} (seconds rounded down; minutes may exceed 99), state, source, virtual
     * and destination {@code addr:port}.
     */
    public static String row(ConnView v, long nowMs) {
        long remainingS = Math.max(0, v.remainingMs(nowMs)) / 1000;
        String expire = String.format("%02d:%02d", remainingS / 60, remainingS % 60);
        String protocol = switch (v.protocol) {
            case 0 -> "IP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> Integer.toString(v.protocol);
        };
        String state;
        if (v.isTemplate()) {
            state = (v.flags & ConnTable.F_ASSURED) != 0 ? "ASSURED" : "NONE";
        } else if (v.protocol == 6) {
            state = TcpState.name(v.state);
        } else if (v.protocol == 17) {
            state = "UDP";
        } else {
            state = "NONE";
        }
        return String.format("%-3s %-6s %-11s %-18s %-18s %s", protocol, expire, state,
                Ipv4.format(v.caddr) + ":" + v.cport, Ipv4.format(v.vaddr) + ":" + v.vport,
                Ipv4.format(v.daddr) + ":" + v.dport);
    }
}
