package io.jlvs.core.conn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Single-threaded behaviour of the slot table: keys, duplicates, tombstones, reply index. */
class ConnTableTest {
    private static final int TCP = 6;
    private static final int VIP = 0xC0A80A64;

    private static int insert(ConnTable t, int caddr, boolean reply) {
        int s = t.claim(ConnTable.KIND_CONN, TCP, caddr, 1000, VIP, 80);
        assertTrue(s >= 0, "claimed");
        t.fill(s, 0, 0x0A000001, 80, -1, 0);
        assertTrue(t.publish(s, TcpState.NONE, 0, reply));
        return s;
    }

    private static void remove(ConnTable t, int slot) {
        assertTrue(t.beginRemove(slot, t.control(slot)));
        t.finishRemove(slot);
    }

    /** Three client addresses whose keys share one home slot. */
    private static int[] collidingClients(ConnTable t) {
        int[] found = new int[3];
        int n = 0;
        int home = t.homeSlot(ConnTable.KIND_CONN, TCP, 1, 1000, VIP, 80);
        for (int caddr = 1; n < 3; caddr++) {
            if (t.homeSlot(ConnTable.KIND_CONN, TCP, caddr, 1000, VIP, 80) == home) {
                found[n++] = caddr;
            }
        }
        return found;
    }

    @Test
    void aBatchOfLookupsFindsWhatSingleLookupsFindHitsMissesAndCollisionsAlike() {
        try (ConnTable t = new ConnTable(4096)) {
            int[] c = collidingClients(t);
            int[] slots = new int[2000];
            for (int i = 0; i < 1000; i++) {
                slots[i] = insert(t, 1_000_000 + i, false);
            }
            insert(t, c[0], false);
            int removed = insert(t, c[1], false);
            insert(t, c[2], false);
            remove(t, removed);
            ConnTable.Batch batch = new ConnTable.Batch(32);
            for (int first = 0; first < 2000; first += 32) {
                batch.clear();
                for (int i = first; i < first + 32; i++) {
                    int caddr = i % 7 == 0 ? c[i % 3] : 1_000_000 + i;
                    assertEquals(i - first, batch.add(ConnTable.KIND_CONN, TCP, caddr, 1000, VIP, 80));
                }
                t.lookupRefs(batch);
                assertEquals(32, batch.size());
                for (int i = first; i < first + 32; i++) {
                    int caddr = i % 7 == 0 ? c[i % 3] : 1_000_000 + i;
                    long single = t.lookupRef(ConnTable.KIND_CONN, TCP, caddr, 1000, VIP, 80);
                    assertEquals(single, batch.ref(i - first), "key " + i);
                    if (i % 7 != 0) {
                        assertEquals(i < 1000 ? slots[i] : ConnTable.NOT_FOUND, ConnTable.slotOf(batch.ref(i - first)));
                    }
                }
            }
        }
    }

    @Test
    void secondClaimOfALiveKeyReturnsTheExistingSlot() {
        try (ConnTable t = new ConnTable(16)) {
            int s = insert(t, 7, false);
            int again = t.claim(ConnTable.KIND_CONN, TCP, 7, 1000, VIP, 80);
            assertEquals(s, ConnTable.existing(again));
            assertEquals(1, t.size());
            assertEquals(ConnTable.NOT_FOUND, t.lookup(ConnTable.KIND_TEMPLATE, TCP, 7, 1000, VIP, 80),
                    "templates are another key space");
        }
    }

    @Test
    void tombstoneStaysWhileAChainPassesThroughItAndGoesWhenNoneDoes() {
        try (ConnTable t = new ConnTable(16)) {
            int[] c = collidingClients(t);
            int a = insert(t, c[0], false);
            int b = insert(t, c[1], false);
            int d = insert(t, c[2], false);
            remove(t, b);
            assertTrue(t.isTombstone(b), "the third key's chain passes through the second's slot");
            assertEquals(d, t.lookup(ConnTable.KIND_CONN, TCP, c[2], 1000, VIP, 80));
            remove(t, d);
            assertFalse(t.isTombstone(d));
            assertFalse(t.isTombstone(b), "cleared once no chain needs it");
            assertEquals(a, t.lookup(ConnTable.KIND_CONN, TCP, c[0], 1000, VIP, 80));
            assertEquals(1, t.size());
        }
    }

    @Test
    void replyIndexFindsNatEntriesByTheServerSide() {
        try (ConnTable t = new ConnTable(16)) {
            int s = insert(t, 7, true);
            assertEquals(s, t.lookupReply(TCP, 0x0A000001, 80, 7, 1000));
            assertEquals(ConnTable.NOT_FOUND, t.lookupReply(TCP, 0x0A000001, 81, 7, 1000));
            remove(t, s);
            assertEquals(ConnTable.NOT_FOUND, t.lookupReply(TCP, 0x0A000001, 80, 7, 1000));
        }
    }

    @Test
    void referenceTellsTheEntryFoundFromOneThatReusedItsSlot() {
        try (ConnTable t = new ConnTable(16)) {
            int[] c = collidingClients(t);
            int a = insert(t, c[0], true);
            long ref = t.lookupRef(ConnTable.KIND_CONN, TCP, c[0], 1000, VIP, 80);
            long replyRef = t.lookupReplyRef(TCP, 0x0A000001, 80, c[0], 1000);
            assertEquals(a, ConnTable.slotOf(ref));
            assertEquals(a, ConnTable.slotOf(replyRef));
            assertTrue(ConnTable.isIncarnation(ref, t.control(a)));
            assertTrue(ConnTable.isIncarnation(replyRef, t.control(a)));
            // What another worker may do between a lookup and the caller's next read:
            // remove the entry, and insert another key into the same slot.
            remove(t, a);
            int b = insert(t, c[1], true);
            assertEquals(a, b, "the second key of the same home slot reuses the freed slot");
            assertFalse(ConnTable.isIncarnation(ref, t.control(a)), "the slot now holds another entry");
            assertFalse(ConnTable.isIncarnation(replyRef, t.control(a)));
            assertEquals(ConnTable.NOT_FOUND, ConnTable.slotOf(t.lookupRef(ConnTable.KIND_CONN, TCP, c[0], 1000, VIP, 80)));
        }
    }

    @Test
    void rejectsImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> new ConnTable(0));
        assertThrows(IllegalArgumentException.class, () -> new ConnTable(10, 0.99));
        assertThrows(IllegalArgumentException.class, () -> new ConnTable(1 << 28, 0.2));
    }
}
