package io.jlvs.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Ten million IPv4 connections in the memory the table promises: at most 64 bytes an entry
 * all-in (slots at the load factor and the reply index), 640 MiB for 10^7, and every one of
 * them inserted and found again.
 */
class ConnTableScaleTest {
    private static final int ENTRIES = 10_000_000;
    private static final int TCP = 6;
    private static final int VIP = 0xC0A80A64;
    private static final long MIB = 1 << 20;

    private static int caddr(int k) {
        return 0x0A000000 + (k >>> 12);
    }

    private static int cport(int k) {
        return 1024 + (k & 0xFFF);
    }

    @Test
    void tenMillionEntriesFitIn640MiBAndAreAllFound() {
        assertTrue(ConnTable.bytesFor(ENTRIES) <= 640 * MIB, "bytesFor: " + ConnTable.bytesFor(ENTRIES));
        try (ConnTable table = new ConnTable(ENTRIES)) {
            assertEquals(ConnTable.bytesFor(ENTRIES), table.offHeapBytes(), "what jlvsd prints is what is mapped");
            assertTrue(table.bytesPerEntry() <= 64, "bytes per entry: " + table.bytesPerEntry());
            for (int k = 0; k < ENTRIES; k++) {
                int slot = table.claim(ConnTable.KIND_CONN, TCP, caddr(k), cport(k), VIP, 80);
                if (slot < 0) {
                    throw new AssertionError("entry " + k + " refused: " + slot);
                }
                table.fill(slot, 0, 0x0A000001, 80, -1, 0);
                table.publish(slot, TcpState.ESTABLISHED, 0, true);
            }
            assertEquals(ENTRIES, table.size());
            assertEquals(ConnTable.FULL, table.claim(ConnTable.KIND_CONN, TCP, caddr(ENTRIES), cport(ENTRIES), VIP, 80),
                    "one more than the capacity is refused");
            for (int k = 0; k < ENTRIES; k++) {
                int slot = table.lookup(ConnTable.KIND_CONN, TCP, caddr(k), cport(k), VIP, 80);
                if (slot < 0 || table.caddr(slot) != caddr(k) || table.cport(slot) != cport(k)) {
                    throw new AssertionError("entry " + k + " not found: " + slot);
                }
                if (table.lookupReply(TCP, 0x0A000001, 80, caddr(k), cport(k)) != slot) {
                    throw new AssertionError("entry " + k + " not found by its reply");
                }
            }
            assertEquals(ConnTable.NOT_FOUND, table.lookup(ConnTable.KIND_CONN, TCP, caddr(ENTRIES), cport(ENTRIES),
                    VIP, 80));
        }
    }
}
