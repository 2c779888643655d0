package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;
import java.util.List;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TCP and UDP vectors of IPVS-SEMANTICS §5 and §2.2-2.4, §2.8: state, timeout and
 * the server's ActiveConn/InActConn after every packet, in the NAT and DR views.
 */
class ConnTrackerTcpTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int S = 0x02;
    private static final int SA = 0x12;
    private static final int A = 0x10;
    private static final int FA = 0x11;
    private static final int R = 0x04;
    private static final int PA = 0x18;

    private static final int VIP = Ipv4.parse("192.168.10.100");
    private static final int CLIENT = Ipv4.parse("203.0.113.5");
    private static final int CPORT = 51022;

    private final ConnTable table = new ConnTable(1024);
    private final DestinationRegistry registry = new DestinationRegistry(16);
    private final Timeouts timeouts = new Timeouts();
    private final ConnSysctls sysctls = new ConnSysctls();
    private final ConnTracker tracker = new ConnTracker(table, registry, timeouts, sysctls);
    private final ConnResult result = new ConnResult();

    private final Destination rs1 = new Destination(Ipv4.parse("192.168.188.81"), 80, ForwardingMethod.MASQ, 1);
    private final Destination rs2 = new Destination(Ipv4.parse("192.168.188.82"), 80, ForwardingMethod.MASQ, 1);
    private final Destination dr1 = new Destination(Ipv4.parse("192.168.188.91"), 80, ForwardingMethod.ROUTE, 1);
    private final Destination dr2 = new Destination(Ipv4.parse("192.168.188.92"), 80, ForwardingMethod.ROUTE, 1);

    @AfterEach
    void close() {
        table.close();
    }

    private TrackedService service(int proto, SequenceScheduler scheduler, Destination... dests) {
        for (Destination d : dests) {
            registry.register(d);
        }
        return TrackedService.of(proto, VIP, 80, scheduler);
    }

    /** A client packet that the tracker must track: its entry's slot. */
    private int in(TrackedService svc, int flags, long nowMs) {
        return Tracked.slot(inVerdict(svc, flags, nowMs), result);
    }

    private ConnVerdict inVerdict(TrackedService svc, int flags, long nowMs) {
        return tracker.inPacket(svc, TCP, CLIENT, CPORT, VIP, 80, flags, nowMs, result);
    }

    /** A server packet that the tracker must track: its entry's slot. */
    private int out(Destination rs, int flags, long nowMs) {
        return Tracked.slot(outVerdict(rs, flags, nowMs), result);
    }

    private ConnVerdict outVerdict(Destination rs, int flags, long nowMs) {
        return tracker.outPacket(TCP, rs.addr(), rs.port(), CLIENT, CPORT, flags, nowMs, result);
    }

    private void expect(int slot, String state, int timeoutS, Destination rs, int active, int inactive, long nowMs) {
        assertEquals(state, TcpState.name(tracker.state(slot)), "state");
        assertEquals(timeoutS * 1000L, tracker.remainingMs(slot, nowMs), "timeout");
        assertEquals(active, rs.activeConns(), "ActiveConn");
        assertEquals(inactive, rs.inactConns(), "InActConn");
    }

    @Test
    void natServerFirstCloseEndsInTimeWait() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        assertTrue(h >= 0);
        expect(h, "SYN_RECV", 60, rs1, 1, 0, 0);
        assertEquals(h, out(rs1, SA, 1000));
        expect(h, "SYN_RECV", 60, rs1, 1, 0, 1000);
        assertEquals(h, in(svc, A, 2000));
        expect(h, "ESTABLISHED", 900, rs1, 1, 0, 2000);
        assertEquals(h, out(rs1, FA, 3000));
        expect(h, "FIN_WAIT", 120, rs1, 0, 1, 3000);
        assertEquals(h, in(svc, FA, 4000));
        expect(h, "TIME_WAIT", 120, rs1, 0, 1, 4000);

        ConnView view = new ConnView();
        assertTrue(table.read(h, view));
        assertEquals(3, view.inPkts, "client packets counted; the server's are not (IPVS's in_pkts)");
        assertEquals(rs1.addr(), view.daddr);
        assertEquals(80, view.dport);
    }

    @Test
    void natEntryExpiresAtLastPacketPlusStateTimeoutAndUnbindsOnce() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        in(svc, A, 2000);
        out(rs1, FA, 3000);
        in(svc, FA, 4000);
        assertEquals(1, table.size());
        // One millisecond before 4 s + 120 s the entry is still there.
        assertEquals(h, out(rs1, A, 123_999));
        assertEquals(ConnVerdict.NO_CONN, outVerdict(rs1, A, 123_999 + 120_000));
        assertEquals(0, table.size());
        assertEquals(0, rs1.activeConns());
        assertEquals(0, rs1.inactConns());
        assertEquals(ConnVerdict.NO_CONN, inVerdict(svc, A, 250_000));
        assertEquals(0, rs1.inactConns());
    }

    @Test
    void natClientFirstClosePassesCloseWait() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        out(rs1, SA, 10);
        in(svc, A, 20);
        assertEquals(h, in(svc, FA, 30));
        expect(h, "CLOSE_WAIT", 60, rs1, 0, 1, 30);
        assertEquals(h, out(rs1, FA, 40));
        expect(h, "TIME_WAIT", 120, rs1, 0, 1, 40);
    }

    @Test
    void drViewGoesSynRecvEstablishedFinWait() {
        TrackedService svc = service(TCP, new SequenceScheduler(dr1), dr1);
        int h = in(svc, S, 0);
        expect(h, "SYN_RECV", 60, dr1, 1, 0, 0);
        assertTrue((tracker.flags(h) & ConnTable.F_NOOUTPUT) != 0);
        in(svc, A, 1000);
        expect(h, "ESTABLISHED", 900, dr1, 1, 0, 1000);
        in(svc, FA, 2000);
        expect(h, "FIN_WAIT", 120, dr1, 0, 1, 2000);
        in(svc, A, 3000);
        expect(h, "FIN_WAIT", 120, dr1, 0, 1, 3000);
        // DR entries are not in the reply index.
        assertEquals(ConnVerdict.NO_CONN, outVerdict(dr1, A, 3000));
    }

    @Test
    void outputPacketClearsNoOutputAndSwitchesToTheNormalTables() {
        TrackedService svc = service(TCP, new SequenceScheduler(dr1), dr1);
        int h = in(svc, S, 0);
        in(svc, A, 10);
        tracker.packet(h, true, A, 20);
        assertEquals(0, tracker.flags(h) & ConnTable.F_NOOUTPUT);
        in(svc, FA, 30);
        // INPUT table: ESTABLISHED + fin → CLOSE_WAIT (INPUT-ONLY would give FIN_WAIT).
        expect(h, "CLOSE_WAIT", 60, dr1, 0, 1, 30);
    }

    @Test
    void clientRstInSynRecvIsIgnored() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        assertEquals(h, in(svc, R, 5000));
        expect(h, "SYN_RECV", 60, rs1, 1, 0, 5000);
    }

    @Test
    void serverRstInSynRecvCloses() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        assertEquals(h, out(rs1, R, 5000));
        expect(h, "CLOSE", 10, rs1, 0, 1, 5000);
    }

    @Test
    void packetWithoutRecognisedFlagsCloses() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        in(svc, A, 10);
        assertEquals(h, in(svc, 0x08, 20));
        expect(h, "CLOSE", 10, rs1, 0, 1, 20);
    }

    @Test
    void missWithoutSynIsNotScheduled() {
        SequenceScheduler scheduler = new SequenceScheduler(rs1);
        TrackedService svc = service(TCP, scheduler, rs1);
        assertEquals(ConnVerdict.NO_CONN, inVerdict(svc, A, 0));
        assertEquals(ConnVerdict.NO_CONN, inVerdict(svc, S | R, 0));
        assertEquals(0, scheduler.calls());
        assertEquals(ConnVerdict.NO_SERVICE, inVerdict(null, S, 0));
    }

    @Test
    void noDestinationIsAVerdictAndLeavesNoEntry() {
        TrackedService svc = service(TCP, new SequenceScheduler());
        assertEquals(ConnVerdict.NO_DEST, inVerdict(svc, S, 0));
        assertEquals(1, tracker.noDestDrops());
        assertEquals(0, table.size());
    }

    @Test
    void aVerdictThatTracksNothingLeavesNoSlotInTheResult() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        assertEquals(h, result.slot());
        assertEquals(ConnVerdict.NO_CONN, tracker.inPacket(svc, TCP, CLIENT, CPORT + 1, VIP, 80, A, 0, result));
        assertEquals(-1, result.slot(), "not the slot of the packet before");
    }

    @Test
    void clientPacketsAreCountedUpToFifteenForTcpAndUdp() {
        TrackedService tcp = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(tcp, S, 0);
        ConnView view = new ConnView();
        for (int n = 2; n <= 20; n++) {
            in(tcp, A, n);
            out(rs1, A, n);
            assertTrue(table.read(h, view));
            assertEquals(Math.min(n, ConnTable.IN_PACKETS_MAX), view.inPkts, "after " + n + " client packets");
            assertEquals("ESTABLISHED", TcpState.name(view.state), "the count leaves the state alone");
        }
        TrackedService udp = service(UDP, new SequenceScheduler(rs2), rs2);
        int u = Tracked.slot(tracker.inPacket(udp, UDP, CLIENT, 40002, VIP, 80, 0, 0, result), result);
        for (int n = 2; n <= 17; n++) {
            tracker.inPacket(udp, UDP, CLIENT, 40002, VIP, 80, 0, n, result);
            tracker.outPacket(UDP, rs2.addr(), 80, CLIENT, 40002, 0, n, result);
            assertTrue(table.read(u, view));
            assertEquals(Math.min(n, ConnTable.IN_PACKETS_MAX), view.inPkts, "after " + n + " client datagrams");
        }
        assertEquals(1, rs2.inactConns(), "the count leaves the server's counters alone");
    }

    @Test
    void udpEntriesLast300sAndStayInactive() {
        TrackedService svc = service(UDP, new SequenceScheduler(rs1), rs1);
        int h = Tracked.slot(tracker.inPacket(svc, UDP, CLIENT, 40001, VIP, 80, 0, 0, result), result);
        assertEquals("NONE", TcpState.name(tracker.state(h)));
        assertEquals(300_000, tracker.remainingMs(h, 0));
        assertEquals(0, rs1.activeConns());
        assertEquals(1, rs1.inactConns());
        assertEquals(h, Tracked.slot(tracker.outPacket(UDP, rs1.addr(), 80, CLIENT, 40001, 0, 50_000, result),
                result));
        assertEquals(300_000, tracker.remainingMs(h, 50_000));
        assertEquals(1, rs1.inactConns());
        assertEquals(ConnVerdict.NO_CONN,
                tracker.outPacket(UDP, rs1.addr(), 80, CLIENT, 40001, 0, 350_000, result));
        assertEquals(0, rs1.inactConns());
    }

    @Test
    void setTimeoutsChangesOnlyEstablishedFinWaitAndUdpAtTheNextPacket() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        in(svc, A, 0);
        timeouts.set(1000, 30, 0);
        assertEquals(900_000, tracker.remainingMs(h, 0), "running timer not rewritten");
        in(svc, PA, 1000);
        assertEquals(1_000_000, tracker.remainingMs(h, 1000));
        out(rs1, FA, 2000);
        assertEquals("FIN_WAIT", TcpState.name(tracker.state(h)));
        assertEquals(30_000, tracker.remainingMs(h, 2000));
        in(svc, FA, 3000);
        assertEquals("TIME_WAIT", TcpState.name(tracker.state(h)));
        assertEquals(120_000, tracker.remainingMs(h, 3000), "TIME_WAIT keeps 120 s");
        assertEquals(List.of(1000, 30, 300), List.of(timeouts.tcpS(TcpState.ESTABLISHED), timeouts.tcpS(TcpState.FIN_WAIT),
                timeouts.udpS()), "tcp tcpfin udp");
    }

    @Test
    void quiescedServerKeepsItsConnections() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1), rs1);
        int h = in(svc, S, 0);
        rs1.weight(0);
        assertEquals(h, in(svc, A, 10));
        assertEquals("ESTABLISHED", TcpState.name(tracker.state(h)));
    }

    @Test
    void newSynOnTimeWaitReschedulesWithReuseMode1() {
        SequenceScheduler scheduler = new SequenceScheduler(rs1, rs2);
        TrackedService svc = service(TCP, scheduler, rs1, rs2);
        int h = in(svc, S, 0);
        in(svc, A, 10);
        out(rs1, FA, 20);
        in(svc, FA, 30);
        assertEquals("TIME_WAIT", TcpState.name(tracker.state(h)));
        int h2 = in(svc, S, 40);
        assertEquals(2, scheduler.calls());
        assertEquals(rs2, tracker.destination(h2));
        assertEquals("SYN_RECV", TcpState.name(tracker.state(h2)));
        assertEquals(0, rs1.inactConns() + rs1.activeConns());
        assertEquals(1, rs2.activeConns());
        assertEquals(1, table.size());
    }

    @Test
    void newSynOnTimeWaitReusesEntryWhenReuseModeIsOff() {
        sysctls.connReuseMode(0);
        SequenceScheduler scheduler = new SequenceScheduler(rs1, rs2);
        TrackedService svc = service(TCP, scheduler, rs1, rs2);
        int h = in(svc, S, 0);
        in(svc, A, 10);
        out(rs1, FA, 20);
        in(svc, FA, 30);
        assertEquals(h, in(svc, S, 40));
        assertEquals(1, scheduler.calls());
        assertEquals("SYN_RECV", TcpState.name(tracker.state(h)));
        assertEquals(1, rs1.activeConns());
    }

    @Test
    void drFinWaitReschedulesOnlyWithReuseModeBit2() {
        SequenceScheduler scheduler = new SequenceScheduler(dr1, dr2);
        TrackedService svc = service(TCP, scheduler, dr1, dr2);
        int h = in(svc, S, 0);
        in(svc, A, 10);
        in(svc, FA, 20);
        assertEquals("FIN_WAIT", TcpState.name(tracker.state(h)));
        assertEquals(h, in(svc, S, 30), "mode 1: the SYN goes through the old entry");
        assertEquals("SYN_RECV", TcpState.name(tracker.state(h)));
        assertEquals(1, scheduler.calls());

        in(svc, A, 40);
        in(svc, FA, 50);
        sysctls.connReuseMode(3);
        int h2 = in(svc, S, 60);
        assertEquals(2, scheduler.calls());
        assertEquals(dr2, tracker.destination(h2));
        assertEquals(0, dr1.activeConns() + dr1.inactConns());
    }

    @Test
    void deletedServerConnectionsAreDroppedByDefault() {
        SequenceScheduler scheduler = new SequenceScheduler(rs1, rs2);
        TrackedService svc = service(TCP, scheduler, rs1, rs2);
        int h = in(svc, S, 0);
        in(svc, A, 10);
        rs1.clearFlag(Destination.AVAILABLE);
        assertEquals(ConnVerdict.DEST_DELETED, inVerdict(svc, PA, 20));
        assertEquals(ConnVerdict.DEST_DELETED, inVerdict(svc, S, 30));
        assertEquals(2, tracker.destDeletedDrops());
        assertEquals(1, scheduler.calls());
        assertEquals("ESTABLISHED", TcpState.name(tracker.state(h)), "entry kept until it times out");
        rs1.setFlag(Destination.AVAILABLE);
        assertEquals(h, in(svc, PA, 40), "re-added server resumes its connections");
    }

    @Test
    void deletedServerConnectionIsExpiredAndSynRescheduledWithExpireNodestConn() {
        sysctls.expireNodestConn(true);
        SequenceScheduler scheduler = new SequenceScheduler(rs1, rs2);
        TrackedService svc = service(TCP, scheduler, rs1, rs2);
        in(svc, S, 0);
        in(svc, A, 10);
        rs1.clearFlag(Destination.AVAILABLE);
        assertEquals(ConnVerdict.NO_CONN, inVerdict(svc, PA, 20), "non-SYN: entry expired, packet not scheduled");
        assertEquals(0, rs1.activeConns() + rs1.inactConns());
        int h2 = in(svc, S, 30);
        assertEquals(rs2, tracker.destination(h2));
        assertEquals(2, scheduler.calls());
    }

    @Test
    void newSynOnQuiescedServerEntryReschedulesWithExpireNodestConn() {
        sysctls.expireNodestConn(true);
        SequenceScheduler scheduler = new SequenceScheduler(rs1, rs2);
        TrackedService svc = service(TCP, scheduler, rs1, rs2);
        in(svc, S, 0);
        in(svc, A, 10);
        rs1.weight(0);
        int h = in(svc, PA, 20);
        assertEquals(rs1, tracker.destination(h), "non-SYN packets still flow to a quiesced server");
        int h2 = in(svc, S, 30);
        assertEquals(rs2, tracker.destination(h2));
    }

    @Test
    void sweeperRemovesExpiredEntriesWithBoundedWork() {
        TrackedService svc = service(UDP, new SequenceScheduler(rs1), rs1);
        for (int port = 1; port <= 100; port++) {
            assertEquals(ConnVerdict.TRACKED, tracker.inPacket(svc, UDP, CLIENT, port, VIP, 80, 0, 0, result));
        }
        assertEquals(100, rs1.inactConns());
        int slots = table.slotCount();
        assertEquals(0, tracker.sweep(299_999, slots), "nothing expired yet");
        int removed = 0;
        int calls = 0;
        while (calls * 100 < slots) {
            int r = tracker.sweep(300_000, 100);
            assertTrue(r <= 100);
            removed += r;
            calls++;
        }
        assertEquals(100, removed);
        assertEquals(0, rs1.inactConns());
        assertEquals(0, table.size());
    }

    @Test
    void expireConnsOfRemovesOnlyThatServersConnections() {
        TrackedService svc = service(TCP, new SequenceScheduler(rs1, rs1, rs2), rs1, rs2);
        for (int port = 1; port <= 3; port++) {
            assertEquals(ConnVerdict.TRACKED, tracker.inPacket(svc, TCP, CLIENT, port, VIP, 80, S, 0, result));
        }
        assertEquals(2, rs1.activeConns());
        assertEquals(2, tracker.expireConnsOf(rs1, 10));
        assertEquals(0, rs1.activeConns() + rs1.inactConns());
        assertEquals(1, rs2.activeConns());
        assertEquals(1, table.size());
    }
}
