package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Persistence templates (IPVS-SEMANTICS §2.7, the §5 persistence vector, §2.8 quiescing). */
class PersistenceTest {
    private static final int TCP = 6;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int RST = 0x04;
    private static final int VIP = Ipv4.parse("192.168.10.100");
    private static final int MASK_24 = Ipv4.netmask(24);

    private final ConnTable table = new ConnTable(1024);
    private final DestinationRegistry registry = new DestinationRegistry(16);
    private final ConnSysctls sysctls = new ConnSysctls();
    private final ConnTracker tracker = new ConnTracker(table, registry, new Timeouts(), sysctls);
    private final ConnResult result = new ConnResult();

    private final Destination a = new Destination(Ipv4.parse("10.0.0.1"), 80, ForwardingMethod.MASQ, 1);
    private final Destination b = new Destination(Ipv4.parse("10.0.0.2"), 80, ForwardingMethod.MASQ, 1);
    private final Destination c = new Destination(Ipv4.parse("10.0.0.3"), 80, ForwardingMethod.MASQ, 1);
    private int nextPort = 40000;

    @AfterEach
    void close() {
        table.close();
    }

    private TrackedService persistent(SequenceScheduler scheduler, int timeoutS, int mask) {
        registry.register(a);
        registry.register(b);
        registry.register(c);
        return new TrackedService(TCP, VIP, 80, 0, scheduler, timeoutS, mask);
    }

    /** A new connection (a SYN from a fresh port); returns its server. */
    private Destination connect(TrackedService svc, String client, long atS) {
        int h = Tracked.slot(tracker.inPacket(svc, TCP, Ipv4.parse(client), nextPort++, VIP, 80, SYN,
                atS * 1000, result), result);
        assertTrue(h >= 0, "verdict " + h);
        return tracker.destination(h);
    }

    /** Timers fire: every expired entry up to {@code atS} is removed. */
    private void timersUpTo(long atS) {
        tracker.sweep(atS * 1000, table.slotCount());
    }

    @Test
    void persistenceVectorFromTheSpec() {
        // rr over the kernel list C, B, A; -p 300 -M 255.255.255.0.
        SequenceScheduler rr = new SequenceScheduler(c, b, a);
        TrackedService svc = persistent(rr, 300, MASK_24);
        Object[][] events = {
            {"203.0.113.10", 0L, c, 1},
            {"203.0.113.10", 10L, c, 1},
            {"203.0.113.99", 20L, c, 1},
            {"198.51.100.5", 30L, b, 2},
            {"198.51.100.5", 320L, b, 2},
            {"203.0.113.10", 400L, a, 3},
        };
        for (Object[] e : events) {
            long at = (Long) e[1];
            timersUpTo(at);
            assertEquals(e[2], connect(svc, (String) e[0], at), e[0] + "@" + at);
            assertEquals(e[3], rr.calls(), "scheduler calls after " + e[0] + "@" + at);
        }
        // Templates left: 198.51.100.0/24 → B and 203.0.113.0/24 → A; C's expired at 320 s.
        assertEquals(1, b.persistConns());
        assertEquals(1, a.persistConns());
        assertEquals(0, c.persistConns());
    }

    @Test
    void templateIsKeyedByMaskedClientWithPortZeroAndListedAsNone() {
        TrackedService svc = persistent(new SequenceScheduler(c), 300, MASK_24);
        connect(svc, "203.0.113.10", 0);
        int t = tracker.findTemplate(svc, TCP, Ipv4.parse("203.0.113.77"), VIP);
        assertTrue(t >= 0);
        ConnView v = new ConnView();
        assertTrue(table.read(t, v));
        assertEquals(Ipv4.parse("203.0.113.0"), v.caddr);
        assertEquals(0, v.cport);
        assertEquals(1, c.persistConns());
        assertTrue(v.isTemplate() && (v.flags & ConnTable.F_ASSURED) == 0, "listed as NONE: not assured yet");
        assertEquals(6, v.protocol);
        assertEquals(299_999, v.remainingMs(1), "04:59 left one millisecond later");
        assertEquals(List.of(VIP, 80, Ipv4.parse("10.0.0.3"), 80), List.of(v.vaddr, v.vport, v.daddr, v.dport));
    }

    @Test
    void templateBecomesAssuredWhenAConnectionIsEstablished() {
        TrackedService svc = persistent(new SequenceScheduler(c), 300, -1);
        int client = Ipv4.parse("203.0.113.10");
        tracker.inPacket(svc, TCP, client, 1000, VIP, 80, SYN, 0, result);
        int t = tracker.findTemplate(svc, TCP, client, VIP);
        assertEquals(0, tracker.flags(t) & ConnTable.F_ASSURED);
        tracker.inPacket(svc, TCP, client, 1000, VIP, 80, ACK, 10, result);
        assertTrue((tracker.flags(t) & ConnTable.F_ASSURED) != 0);
    }

    @Test
    void templateOverridesQuiescingUnlessExpireQuiescentTemplate() {
        SequenceScheduler scheduler = new SequenceScheduler(c, b);
        TrackedService svc = persistent(scheduler, 300, -1);
        assertEquals(c, connect(svc, "203.0.113.10", 0));
        c.weight(0);
        assertEquals(c, connect(svc, "203.0.113.10", 1), "weight-0 server still gets the client");
        assertEquals(1, scheduler.calls());
        sysctls.expireQuiescentTemplate(true);
        assertEquals(b, connect(svc, "203.0.113.10", 2));
        assertEquals(2, scheduler.calls());
    }

    @Test
    void templateOverridesOverload() {
        SequenceScheduler scheduler = new SequenceScheduler(c, b);
        TrackedService svc = persistent(scheduler, 300, -1);
        assertEquals(c, connect(svc, "203.0.113.10", 0));
        c.setFlag(Destination.OVERLOAD);
        assertEquals(c, connect(svc, "203.0.113.10", 1));
        assertEquals(1, scheduler.calls());
    }

    @Test
    void deletedServerInvalidatesTheTemplate() {
        SequenceScheduler scheduler = new SequenceScheduler(c, b);
        TrackedService svc = persistent(scheduler, 300, -1);
        assertEquals(c, connect(svc, "203.0.113.10", 0));
        c.clearFlag(Destination.AVAILABLE);
        assertEquals(b, connect(svc, "203.0.113.10", 1));
        assertEquals(2, scheduler.calls());
        assertEquals(b, connect(svc, "203.0.113.10", 2));
        assertEquals(2, scheduler.calls());
        // The invalidated template is still accounted until it expires with its last conn.
        assertEquals(1, c.persistConns());
        timersUpTo(400);
        assertEquals(0, c.persistConns());
    }

    @Test
    void templateOutlivesItsTimeoutWhileItControlsConnectionsThenRechecksEvery60s() {
        SequenceScheduler scheduler = new SequenceScheduler(c, b);
        TrackedService svc = persistent(scheduler, 300, -1);
        int client = Ipv4.parse("203.0.113.10");
        int h = Tracked.slot(tracker.inPacket(svc, TCP, client, 1000, VIP, 80, SYN, 0, result), result);
        tracker.inPacket(svc, TCP, client, 1000, VIP, 80, ACK, 1000, result);
        timersUpTo(400);
        assertTrue(tracker.findTemplate(svc, TCP, client, VIP) >= 0, "alive at 400 s: controls a connection");
        // The connection is reset at 500 s: CLOSE, gone at 510 s. The template's timer
        // (due at 300 s) re-checks at 360, 420, 480, 540: it goes at 540 s.
        out(h, RST, 500);
        assertEquals("CLOSE", TcpState.name(tracker.state(h)));
        timersUpTo(520);
        assertEquals(0, c.activeConns() + c.inactConns());
        assertTrue(tracker.findTemplate(svc, TCP, client, VIP) >= 0, "still there at 520 s");
        timersUpTo(539);
        assertTrue(tracker.findTemplate(svc, TCP, client, VIP) >= 0, "still there at 539 s");
        timersUpTo(540);
        assertEquals(-1, tracker.findTemplate(svc, TCP, client, VIP));
        assertEquals(0, c.persistConns());
        assertEquals(1, scheduler.calls());
    }

    private void out(int h, int flags, long atS) {
        tracker.packet(h, true, flags, atS * 1000);
    }

    @Test
    void fwmarkTemplateUsesProtocolIpAndTheMarkAsAddress() {
        registry.register(c);
        TrackedService svc = new TrackedService(TCP, 0, 0, 1, new SequenceScheduler(c), 360, -1);
        int client = Ipv4.parse("203.0.113.10");
        int h = Tracked.slot(tracker.inPacket(svc, TCP, client, 1000, VIP, 443, SYN, 0, result), result);
        assertTrue(h >= 0);
        int t = tracker.findTemplate(svc, TCP, client, VIP);
        assertTrue(t >= 0);
        ConnView v = new ConnView();
        assertTrue(table.read(t, v));
        // Listed as "IP  05:59  NONE  203.0.113.10:0  0.0.0.1:0  10.0.0.3:0".
        assertEquals(List.of(0, client, 0, 1, 0, Ipv4.parse("10.0.0.3"), 0),
                List.of(v.protocol, v.caddr, v.cport, v.vaddr, v.vport, v.daddr, v.dport), "a fwmark template");
        assertTrue((v.flags & ConnTable.F_ASSURED) == 0 && v.remainingMs(1) / 1000 == 359);
        assertNotEquals(-1, h);
    }
}
