package io.jlvs.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import org.junit.jupiter.api.Test;

/**
 * The table's defence in the manner of IPVS's {@code drop_entry}, {@code drop_packet} and
 * {@code secure_tcp}: the levels as the kernel's {@code update_defense_level} sets them, the
 * random eviction of embryonic entries that never touches established ones, the refusal rate,
 * the "dos" state table, and the shorter SYN_RECV timeout under pressure.
 */
class DefenseTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int RST = 0x04;
    private static final int SYN_ACK = SYN | ACK;
    private static final int VIP = Ipv4.parse("192.168.10.100");
    private static final int RS = Ipv4.parse("10.0.0.1");

    @Test
    void automaticModesArmUnderPressureReadTwoThenFallBackToOne() {
        Defense d = new Defense();
        d.configure(1, 1, 1, 100, 10, 5, 0);
        d.update(1000);
        assertEquals(1, d.dropEntry());
        assertFalse(d.dropEntryArmed());
        assertEquals(0, d.dropRate());
        assertFalse(d.secureTcp());
        assertFalse(d.underPressure());

        d.update(50);
        assertEquals(2, d.dropEntry(), "drop_entry 1 reads 2 while armed, as the kernel's sysctl does");
        assertEquals(2, d.dropPacket());
        assertEquals(2, d.secureTcpMode());
        assertTrue(d.dropEntryArmed());
        assertEquals(2, d.dropRate(), "amemthresh / (amemthresh - free) = 100 / 50");
        assertTrue(d.secureTcp());
        assertTrue(d.underPressure());

        d.update(10);
        assertEquals(1, d.dropRate(), "100 / 90 rounds down to 1: every new connection refused");

        d.update(500);
        assertEquals(1, d.dropEntry(), "2 falls back to 1 once the pressure is gone");
        assertEquals(1, d.dropPacket());
        assertEquals(1, d.secureTcpMode());
        assertFalse(d.dropEntryArmed());
        assertEquals(0, d.dropRate());
        assertFalse(d.secureTcp());
    }

    @Test
    void offStaysOffUnderPressureAndThreeIsAlwaysOn() {
        Defense off = new Defense();
        off.configure(0, 0, 0, 100, 10, 5, 0);
        off.update(0);
        assertFalse(off.dropEntryArmed());
        assertEquals(0, off.dropRate());
        assertFalse(off.secureTcp());
        assertTrue(off.underPressure());

        Defense always = new Defense();
        always.configure(3, 3, 3, 100, 7, 5, 0);
        always.update(1_000_000);
        assertTrue(always.dropEntryArmed());
        assertEquals(7, always.dropRate(), "drop_packet 3 refuses one in am_droprate");
        assertTrue(always.secureTcp());
        assertEquals(3, always.dropEntry());
    }

    @Test
    void settingsOutsideTheKernelsRangesAreRefusedByName() {
        Defense d = new Defense();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.configure(4, 0, 0, 1, 1, 1, 0));
        assertEquals("drop_entry must be 0..3, was 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.configure(0, 0, 0, 1, 0, 1, 0));
        assertEquals("am_droprate must be 1 or more, was 0", e.getMessage());
    }

    /** A table of 4096 entries with one NAT real server and a defence armed below 1024 free entries. */
    private static final class Lab implements AutoCloseable {
        final ConnTable table = new ConnTable(4096, 0.5);
        final DestinationRegistry registry = new DestinationRegistry(4);
        final Destination rs = new Destination(RS, 80, ForwardingMethod.MASQ, 1);
        final Defense defense = new Defense();
        final ConnTracker tracker;
        final ConnResult result = new ConnResult();
        final TrackedService svc;

        Lab(int dropEntry, int dropPacket, int secureTcp) {
            registry.register(rs);
            defense.configure(dropEntry, dropPacket, secureTcp, 1024, 10, 5, 0);
            tracker = new ConnTracker(table, registry, new Timeouts(), new ConnSysctls(), defense);
            svc = TrackedService.of(TCP, VIP, 80, new SequenceScheduler(rs));
        }

        ConnVerdict syn(int client, int port, long nowMs) {
            return tracker.inPacket(svc, TCP, client, port, VIP, 80, SYN, nowMs, result);
        }

        /** A SYN that must start a connection (or go through its entry): the entry's slot. */
        int synSlot(int client, int port, long nowMs) {
            return Tracked.slot(syn(client, port, nowMs), result);
        }

        /** An ACK of a connection that must be tracked: its entry's slot. */
        int ackSlot(int client, int port, long nowMs) {
            return Tracked.slot(tracker.inPacket(svc, TCP, client, port, VIP, 80, ACK, nowMs, result), result);
        }

        @Override
        public void close() {
            table.close();
        }
    }

    @Test
    void dropEntryEvictsTheFloodsEmbryonicEntriesAndNeverTheEstablished() {
        try (Lab lab = new Lab(0, 0, 0)) {
            int established = 500;
            int[] slots = new int[established];
            for (int i = 0; i < established; i++) {
                int client = Ipv4.parse("172.16.0.1") + i;
                slots[i] = lab.synSlot(client, 40000, 0);
                assertTrue(slots[i] >= 0);
                lab.tracker.inPacket(lab.svc, TCP, client, 40000, VIP, 80, ACK, 0, lab.result);
                assertEquals(TcpState.ESTABLISHED, lab.tracker.state(slots[i]));
            }
            int flood = 0;
            while (lab.syn(Ipv4.parse("198.51.100.0") + flood, 1024 + (flood & 0x3FF), 100) == ConnVerdict.TRACKED) {
                flood++;
            }
            assertEquals(4096 - established, flood, "the flood filled the table");
            assertEquals(ConnVerdict.TABLE_FULL, lab.syn(Ipv4.parse("10.9.9.9"), 5555, 100),
                    "a new client is refused while the table is full and drop_entry is 0");

            lab.defense.configure(1, 0, 0, 1024, 10, 5, 0);
            int evicted = lab.tracker.defend(1000, lab.table.slotCount() * 8);
            assertTrue(lab.defense.underPressure());
            assertEquals(2, lab.defense.dropEntry());
            assertTrue(evicted > flood * 9 / 10, "most of the flood's SYN_RECV entries evicted: " + evicted);
            assertEquals(evicted, lab.tracker.defenseEvictions());
            for (int i = 0; i < established; i++) {
                int client = Ipv4.parse("172.16.0.1") + i;
                int slot = lab.ackSlot(client, 40000, 1000);
                assertEquals(slots[i], slot, "established connection " + i + " kept its entry");
                assertEquals(TcpState.ESTABLISHED, lab.tracker.state(slot));
            }
            int served = 0;
            for (int i = 0; i < 100; i++) {
                if (lab.syn(Ipv4.parse("10.9.0.1") + i, 5555, 1000) == ConnVerdict.TRACKED) {
                    served++;
                }
            }
            assertEquals(100, served, "new clients from other sources are served after the eviction");
        }
    }

    @Test
    void theRandomDropTakesUdpEntriesIdleAMinuteWithFewPacketsAsTheKernelsTodropEntry() {
        try (Lab lab = new Lab(3, 0, 0)) {
            TrackedService dns = TrackedService.of(UDP, VIP, 53, new SequenceScheduler(lab.rs));
            int client = Ipv4.parse("172.16.0.1");
            // Port p's entry sees (p % 10) + 1 client packets at t = 0; ports 5000.. see one at t = 50 s.
            for (int port = 1000; port < 1100; port++) {
                for (int n = 0; n <= port % 10; n++) {
                    assertTrue(lab.tracker.inPacket(dns, UDP, client, port, VIP, 53, 0, 0, lab.result) == ConnVerdict.TRACKED);
                }
            }
            for (int port = 5000; port < 5010; port++) {
                assertTrue(lab.tracker.inPacket(dns, UDP, client, port, VIP, 53, 0, 50_000, lab.result) == ConnVerdict.TRACKED);
            }
            int established = lab.synSlot(client, 40000, 0);
            lab.tracker.inPacket(lab.svc, TCP, client, 40000, VIP, 80, ACK, 0, lab.result);
            assertEquals(TcpState.ESTABLISHED, lab.tracker.state(established));

            assertEquals(0, lab.tracker.dropEntries(59_000, lab.table.slotCount() * 4),
                    "nothing touched within the last minute is dropped");
            int[] left = new int[11];
            int rounds = 8;
            for (int round = 0; round < rounds; round++) {
                lab.tracker.dropEntries(61_000, lab.table.slotCount() * 4);
            }
            for (int port = 1000; port < 1100; port++) {
                if (lab.table.lookupRef(ConnTable.KIND_CONN, UDP, client, port, VIP, 53) >= 0) {
                    left[port % 10 + 1]++;
                }
            }
            assertEquals(0, left[1], "an entry with one packet is dropped whenever it is met");
            assertTrue(left[2] < 10, "with two, every other time: " + left[2] + " of 10 left");
            assertEquals(10, left[9], "with 9 packets never");
            assertEquals(10, left[10], "with 10 packets never");
            for (int port = 5000; port < 5010; port++) {
                assertTrue(lab.table.lookupRef(ConnTable.KIND_CONN, UDP, client, port, VIP, 53) >= 0, "touched at 50 s: kept");
            }
            assertEquals(TcpState.ESTABLISHED, lab.tracker.state(established), "the established TCP entry is kept");
        }
    }

    @Test
    void aFloodOfAPersistentServiceIsEvictedWithItsTemplatesWhileAssuredClientsKeepTheirs() {
        try (Lab lab = new Lab(1, 0, 0)) {
            TrackedService sticky = new TrackedService(TCP, VIP, 443, 0, new SequenceScheduler(lab.rs), 360, -1);
            int established = 200;
            int[] slots = new int[established];
            for (int i = 0; i < established; i++) {
                int client = Ipv4.parse("172.16.0.1") + i;
                slots[i] = Tracked.slot(lab.tracker.inPacket(sticky, TCP, client, 40000, VIP, 443, SYN, 0,
                        lab.result), lab.result);
                lab.tracker.inPacket(sticky, TCP, client, 40000, VIP, 443, ACK, 0, lab.result);
                assertEquals(TcpState.ESTABLISHED, lab.tracker.state(slots[i]));
            }
            // With eviction off, the flood fills the table: a template and a SYN_RECV entry per source.
            lab.defense.configure(0, 0, 0, 1024, 10, 5, 0);
            int flood = 0;
            while (lab.tracker.inPacket(sticky, TCP, Ipv4.parse("198.51.100.0") + flood, 1024, VIP, 443, SYN, 100,
                    lab.result) == ConnVerdict.TRACKED) {
                flood++;
            }
            assertTrue(lab.table.size() >= lab.table.capacity() - 1, "the flood filled the table: " + lab.table.size());
            assertEquals(ConnVerdict.TABLE_FULL,
                    lab.tracker.inPacket(sticky, TCP, Ipv4.parse("10.9.9.9"), 5555, VIP, 443, SYN, 100, lab.result));

            lab.defense.configure(1, 0, 0, 1024, 10, 5, 0);
            int served = 0;
            for (int i = 0; i < 300; i++) {
                if (lab.tracker.inPacket(sticky, TCP, Ipv4.parse("10.9.0.1") + i, 5555, VIP, 443, SYN, 200, lab.result) == ConnVerdict.TRACKED) {
                    served++;
                }
            }
            assertEquals(300, served, "new clients of the persistent service are served by evicting the flood's"
                    + " SYN_RECV entries and, once they control nothing, its templates");
            int evicted = lab.tracker.dropEntries(1000, lab.table.slotCount() * 8);
            assertTrue(evicted > flood, "the random drop takes the flood's connections and templates: " + evicted
                    + " of a flood of " + flood + " sources");
            for (int i = 0; i < established; i++) {
                int client = Ipv4.parse("172.16.0.1") + i;
                assertEquals(slots[i], Tracked.slot(lab.tracker.inPacket(sticky, TCP, client, 40000, VIP, 443, ACK,
                        1000, lab.result), lab.result), "established connection " + i + " kept its entry");
                assertTrue(lab.tracker.inPacket(sticky, TCP, client, 40001, VIP, 443, SYN, 1000, lab.result) == ConnVerdict.TRACKED,
                        "and its client's template still places a second connection");
            }
        }
    }

    @Test
    void aFullTableMakesRoomForANewClientByEvictingAnEmbryonicEntryNeverAnEstablishedOne() {
        try (Lab lab = new Lab(1, 0, 0)) {
            int established = 1000;
            int[] slots = new int[established];
            for (int i = 0; i < established; i++) {
                int client = Ipv4.parse("172.16.0.1") + i;
                slots[i] = lab.synSlot(client, 40000, 0);
                lab.tracker.inPacket(lab.svc, TCP, client, 40000, VIP, 80, ACK, 0, lab.result);
            }
            for (int i = 0; lab.table.size() < lab.table.capacity(); i++) {
                lab.syn(Ipv4.parse("198.51.100.0") + i, 1024, 10);
            }
            int served = 0;
            for (int i = 0; i < 500; i++) {
                int client = Ipv4.parse("10.9.0.1") + i;
                int slot = lab.synSlot(client, 5555, 20);
                if (slot >= 0) {
                    served++;
                    lab.tracker.inPacket(lab.svc, TCP, client, 5555, VIP, 80, ACK, 20, lab.result);
                    assertEquals(TcpState.ESTABLISHED, lab.tracker.state(slot));
                }
            }
            assertEquals(500, served, "every new client served while the flood keeps the table full");
            assertEquals(500, lab.tracker.defenseEvictions(), "one embryonic entry evicted for each");
            assertEquals(lab.table.capacity(), lab.table.size(), "the table is still full");
            for (int i = 0; i < established; i++) {
                int slot = lab.ackSlot(Ipv4.parse("172.16.0.1") + i, 40000, 30);
                assertEquals(slots[i], slot, "established connection " + i + " kept its entry");
            }
        }
    }

    @Test
    void aTableFullOfEstablishedConnectionsStillRefusesANewOne() {
        try (Lab lab = new Lab(3, 0, 0)) {
            for (int i = 0; lab.table.size() < lab.table.capacity(); i++) {
                int client = Ipv4.parse("172.16.0.1") + i;
                lab.syn(client, 40000, 0);
                lab.tracker.inPacket(lab.svc, TCP, client, 40000, VIP, 80, ACK, 0, lab.result);
            }
            assertEquals(ConnVerdict.TABLE_FULL, lab.syn(Ipv4.parse("10.9.9.9"), 5555, 10));
            assertEquals(0, lab.tracker.defenseEvictions());
        }
    }

    @Test
    void aClientMayHoldNoMoreEmbryonicEntriesThanThePerSourceLimit() {
        try (Lab lab = new Lab(0, 0, 0)) {
            lab.defense.configure(0, 0, 0, 1024, 10, 5, 4);
            int attacker = Ipv4.parse("203.0.113.7");
            for (int port = 1000; port < 1004; port++) {
                assertEquals(ConnVerdict.TRACKED, lab.syn(attacker, port, 0),
                        "SYN from port " + port + " within the limit");
            }
            assertEquals(4, lab.tracker.embryonicFrom(attacker));
            assertEquals(ConnVerdict.SYN_LIMIT, lab.syn(attacker, 1004, 0), "the fifth half-open connection");
            assertEquals(ConnVerdict.TRACKED, lab.syn(Ipv4.parse("203.0.113.8"), 1004, 0),
                    "another client is not limited");
            assertEquals(ConnVerdict.TRACKED, lab.syn(attacker, 1000, 0),
                    "a retransmitted SYN of a counted connection passes");

            lab.tracker.inPacket(lab.svc, TCP, attacker, 1000, VIP, 80, ACK, 0, lab.result);
            assertEquals(3, lab.tracker.embryonicFrom(attacker), "an established connection no longer counts");
            assertEquals(ConnVerdict.TRACKED, lab.syn(attacker, 1004, 0), "so one more may start");
            assertEquals(ConnVerdict.SYN_LIMIT, lab.syn(attacker, 1005, 0));

            assertTrue(lab.tracker.sweep(61_000, lab.table.slotCount()) >= 4, "the half-open ones expire");
            assertEquals(0, lab.tracker.embryonicFrom(attacker), "and are no longer counted");
            assertEquals(ConnVerdict.TRACKED, lab.syn(attacker, 1005, 61_000));
        }
    }

    @Test
    void perSourceCountsReturnToZeroWhateverRemovesTheEntries() {
        try (Lab lab = new Lab(0, 0, 0)) {
            lab.defense.configure(3, 0, 0, 1024, 10, 5, 1000);
            int[] sources = {Ipv4.parse("203.0.113.1"), Ipv4.parse("203.0.113.2"), Ipv4.parse("203.0.113.3")};
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 20_000; i++) {
                int client = sources[random.nextInt(sources.length)];
                int port = 1024 + random.nextInt(2000);
                int flags = switch (random.nextInt(4)) {
                    case 0, 1 -> SYN;
                    case 2 -> ACK;
                    default -> RST;
                };
                lab.tracker.inPacket(lab.svc, TCP, client, port, VIP, 80, flags, i / 10, lab.result);
                if (i % 5000 == 4999) {
                    lab.tracker.dropEntries(i / 10, lab.table.slotCount());
                }
            }
            lab.tracker.sweep(10_000_000, lab.table.slotCount());
            lab.tracker.sweep(10_000_000, lab.table.slotCount());
            assertEquals(0, lab.table.size(), "everything expired");
            for (int source : sources) {
                assertEquals(0, lab.tracker.embryonicFrom(source), Ipv4.format(source));
            }
        }
    }

    @Test
    void underPressureSynRecvExpiresInSecondsInsteadOfAMinute() {
        try (Lab lab = new Lab(0, 0, 0)) {
            int calm = lab.synSlot(Ipv4.parse("10.1.0.1"), 1000, 0);
            assertEquals(60_000, lab.tracker.remainingMs(calm, 0), "SYN_RECV lives 60 s, as in IPVS");
            for (int i = 0; lab.table.capacity() - lab.table.size() >= 1024; i++) {
                lab.syn(Ipv4.parse("198.51.100.0") + i, 2000, 0);
            }
            lab.tracker.defend(0, 1);
            assertTrue(lab.defense.underPressure());
            int pressed = lab.synSlot(Ipv4.parse("10.1.0.2"), 1000, 0);
            assertEquals(5_000, lab.tracker.remainingMs(pressed, 0), "SYN_RECV lives 5 s under pressure");
            lab.tracker.inPacket(lab.svc, TCP, Ipv4.parse("10.1.0.2"), 1000, VIP, 80, ACK, 0, lab.result);
            assertEquals(900_000, lab.tracker.remainingMs(pressed, 0), "established keeps its 900 s");

            assertEquals(60_000, lab.tracker.remainingMs(calm, 0), "armed before the pressure");
            lab.tracker.sweep(1000, lab.table.slotCount());
            assertEquals(5_000, lab.tracker.remainingMs(calm, 1000),
                    "the sweeper shortens a SYN_RECV armed before the pressure to 5 s from now");
            assertEquals(899_000, lab.tracker.remainingMs(pressed, 1000), "and leaves the established alone");
        }
    }

    @Test
    void dropPacketAtThreeRefusesNewConnectionsAtTheRateButNeverExistingOnes() {
        try (Lab lab = new Lab(0, 3, 0)) {
            lab.defense.configure(0, 3, 0, 1024, 1, 5, 0);
            int before = lab.synSlot(Ipv4.parse("10.1.0.1"), 1000, 0);
            assertTrue(before >= 0, "not yet updated: nothing refused");
            lab.tracker.defend(0, 1);
            assertEquals(ConnVerdict.DEFENSE_DROP, lab.syn(Ipv4.parse("10.1.0.2"), 1000, 0),
                    "am_droprate 1: every new connection refused");
            assertEquals(before, lab.ackSlot(Ipv4.parse("10.1.0.1"), 1000, 0),
                    "an existing connection's packets pass");
        }
    }

    @Test
    void dropPacketRefusesAboutOneInTheRate() {
        try (Lab lab = new Lab(0, 3, 0)) {
            lab.tracker.defend(0, 1);
            int refused = 0;
            for (int i = 0; i < 2000; i++) {
                if (lab.syn(Ipv4.parse("10.2.0.0") + i, 1000, 0) == ConnVerdict.DEFENSE_DROP) {
                    refused++;
                }
            }
            assertTrue(refused > 100 && refused < 320, "about 1 in 10 of 2000 refused: " + refused);
        }
    }

    @Test
    void secureTcpKeepsAClientsAckFromEstablishingANatConnection() {
        try (Lab normal = new Lab(0, 0, 0); Lab secure = new Lab(0, 0, 3)) {
            secure.tracker.defend(0, 1);
            int client = Ipv4.parse("10.3.0.1");
            int n = normal.synSlot(client, 1000, 0);
            int s = secure.synSlot(client, 1000, 0);
            assertEquals(TcpState.SYN_RECV, normal.tracker.state(n));
            assertEquals(TcpState.SYN_RECV, secure.tracker.state(s));

            normal.tracker.inPacket(normal.svc, TCP, client, 1000, VIP, 80, ACK, 0, normal.result);
            secure.tracker.inPacket(secure.svc, TCP, client, 1000, VIP, 80, ACK, 0, secure.result);
            assertEquals(TcpState.ESTABLISHED, normal.tracker.state(n));
            assertEquals(TcpState.SYN_RECV, secure.tracker.state(s), "a client's ACK alone does not establish");

            secure.tracker.outPacket(TCP, RS, 80, client, 1000, SYN_ACK, 0, secure.result);
            assertEquals(TcpState.SYNACK, secure.tracker.state(s));
            secure.tracker.outPacket(TCP, RS, 80, client, 1000, ACK, 0, secure.result);
            assertEquals(TcpState.ESTABLISHED, secure.tracker.state(s), "the server's answer establishes it");
        }
    }
}
