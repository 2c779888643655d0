package io.jlvs.sched;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.jlvs.sched.Servers.letter;
import static io.jlvs.sched.Servers.picks;
import static io.jlvs.sched.Servers.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The surprises of IPVS-SEMANTICS §0, §1 and §6, with the known answers the spec gives
 * (the full worked examples run as replay scenarios in the bench module).
 */
class KernelBehaviourTest {

    @Test
    void listIsReverseInsertionOrderAndTiesGoToNewest() {
        assertEquals("C B A C", picks(service("rr", 0, 1, 1, 1), 4));
        assertEquals("C", picks(service("lc", 0, 1, 1, 1), 1));
        assertEquals("C", picks(service("wlc", 0, 1, 1, 1), 1));
    }

    @Test
    void rrNewServerWaitsForWrapAndDeleteMovesCursorBack() {
        ServiceScheduling s = service("rr", 0, 1, 1, 1);
        assertEquals("C B", picks(s, 2));
        s.add(Servers.server(4, 1));
        assertEquals("A D C B A D", picks(s, 6));

        ServiceScheduling t = service("rr", 0, 1, 1, 1);
        assertEquals("C B", picks(t, 2));
        t.delete(t.destinations()[1]);
        assertEquals("A C A C", picks(t, 4));
    }

    @Test
    void wrrFirstRoundAfterIncrementalAddsIsPlainRoundRobin() {
        ServiceScheduling s = new ServiceScheduling(Schedulers.create("wrr", 0));
        s.add(Servers.server(3, 2));
        s.add(Servers.server(2, 3));
        s.add(Servers.server(1, 4));
        assertEquals(1, ((WeightedRoundRobinScheduler) s.scheduler()).currentWeight());
        assertEquals("A B C A A B A B C A B C", picks(s, 12));
    }

    @Test
    void wrrBoundToExistingServersStartsWithTextbookCycle() {
        ServiceScheduling s = new ServiceScheduling(Schedulers.create("rr", 0));
        s.add(Servers.server(3, 2));
        s.add(Servers.server(2, 3));
        s.add(Servers.server(1, 4));
        s.rebind(Schedulers.create("wrr", 0));
        assertEquals(4, ((WeightedRoundRobinScheduler) s.scheduler()).currentWeight());
        assertEquals("A A B A B C A B C", picks(s, 9));
    }

    @Test
    void wrrEditRoundsCurrentWeightToGcdStep() {
        // A=4, B=2: di 2, mw 3; the second add rounds cw = (1/2)*2+1 = 1
        ServiceScheduling s = service("wrr", 0, 4, 2);
        assertEquals("B A A B A A", picks(s, 6));
    }

    @Test
    void overheadIsActiveTimes256PlusInactive() {
        ServiceScheduling s = service("lc", 0, 1, 1, 1);
        Destination[] cba = s.destinations();
        cba[2].setConns(2, 0);   // A 512
        cba[1].setConns(1, 300); // B 556
        cba[0].setConns(1, 10);  // C 266
        assertEquals("C", picks(s, 1));
        cba[0].setConns(1, 300); // C 556 ties B and loses to A
        assertEquals("A", picks(s, 1));
    }

    @Test
    void sedAndNqIgnoreInactiveConnections() {
        ServiceScheduling sed = service("sed", 0, 1, 10);
        Destination[] ba = sed.destinations();
        ba[1].setConns(0, 100);
        ba[0].setConns(1, 0);
        assertEquals("B", picks(sed, 1));
        ServiceScheduling nq = service("nq", 0, 10, 1, 1);
        nq.destinations()[2].setConns(5, 0);
        nq.destinations()[0].setConns(0, 1000);
        assertEquals("C", picks(nq, 1));
    }

    @Test
    void ovfAdmitsWeightPlusOneActive() {
        ServiceScheduling s = service("ovf", 0, 2, 3);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            Destination d = s.schedule(1, 1, Servers.VIP, 80, 0);
            b.append(letter(d)).append(' ');
            if (d != null) {
                d.bindConn(false, true);
            }
        }
        assertEquals("B B B B A A A none", b.toString().strip());
    }

    @Test
    void shBucketUsesOnlyLastOctetTimes177() {
        assertEquals(98, SourceHashingScheduler.bucket(Ipv4.parse("203.0.113.2"), 0, 0));
        assertEquals(98, SourceHashingScheduler.bucket(Ipv4.parse("10.0.0.2"), 0, 0));
        assertEquals((7 + 1000) * 177 & 255, SourceHashingScheduler.bucket(Ipv4.parse("203.0.113.7"), 1000, 0));
    }

    @Test
    void shWeightZeroStillTakesOneBucket() {
        ServiceScheduling s = service("sh", 0, 3, 0);
        SourceHashingScheduler sh = (SourceHashingScheduler) s.scheduler();
        Destination[] table = sh.table();
        Destination b = s.destinations()[0];
        Destination a = s.destinations()[1];
        // list B(0), A(3): B, A, A, A, B, A, A, A...
        for (int i = 0; i < SourceHashingScheduler.TABLE_SIZE; i++) {
            assertSame(i % 4 == 0 ? b : a, table[i], "bucket " + i);
        }
    }

    @Test
    void shFallbackProbesFromTwiceTheBucket() {
        ServiceScheduling s = service("sh", Schedulers.SCHED1, 1, 1, 1);
        s.destinations()[1].setFlag(Destination.OVERLOAD); // B
        // 203.0.113.3: bucket 19 = B; the probe starts at 38 = A (38 mod 3 = 2), not at 20 = C
        assertEquals("A", letter(s.schedule(Ipv4.parse("203.0.113.3"), 1, Servers.VIP, 80, 0)));
        ServiceScheduling plain = service("sh", 0, 1, 1, 1);
        plain.destinations()[1].setFlag(Destination.OVERLOAD);
        assertNull(plain.schedule(Ipv4.parse("203.0.113.3"), 1, Servers.VIP, 80, 0));
    }

    @Test
    void dhIgnoresEditsUntilAddOrDelete() {
        ServiceScheduling s = service("dh", 0, 1, 1, 1);
        Destination[] before = ((DestinationHashingScheduler) s.scheduler()).table();
        Destination a = s.destinations()[2];
        s.editWeight(a, 0);
        Destination[] after = ((DestinationHashingScheduler) s.scheduler()).table();
        for (int i = 0; i < before.length; i++) {
            assertSame(before[i], after[i]);
        }
        assertNull(s.schedule(1, 1, Ipv4.parse("10.0.0.102"), 80, 0)); // bucket 134 = A, quiesced
    }

    @Test
    void lblcKeepsCachedServerDespiteOverloadFlag() {
        ServiceScheduling s = service("lblc", 0, 2, 2);
        Destination first = s.schedule(1, 1, Servers.VIP, 80, 0);
        first.setFlag(Destination.OVERLOAD);
        assertSame(first, s.schedule(2, 2, Servers.VIP, 80, 1));
        // a fresh destination address does not see it
        Destination other = s.schedule(3, 3, Servers.VIP + 1, 80, 2);
        assertEquals(false, other == first);
    }

    @Test
    void lblcrShedsMostLoadedMemberOnlyAfterExpiration() {
        ServiceScheduling s = service("lblcr", 0, 4, 4);
        LocalityBasedReplicationScheduler lblcr = (LocalityBasedReplicationScheduler) s.scheduler();
        lblcr.expirationMs(10_000);
        Destination b = s.destinations()[0];
        Destination a = s.destinations()[1];
        assertSame(b, s.schedule(1, 1, Servers.VIP, 80, 0));
        b.setConns(5, 0);
        assertSame(a, s.schedule(1, 2, Servers.VIP, 80, 1_000));   // B overloaded: A joins, lastMod 1 s
        b.setConns(0, 0);
        a.setConns(3, 0);
        assertSame(b, s.schedule(1, 3, Servers.VIP, 80, 11_000));  // 11 s is not after 1 + 10 s: B still a member
        b.setConns(5, 0);
        a.setConns(0, 0);
        assertSame(a, s.schedule(1, 4, Servers.VIP, 80, 11_001));  // B is shed now
        b.setConns(0, 0);
        a.setConns(3, 0);
        assertSame(a, s.schedule(1, 5, Servers.VIP, 80, 11_002));  // only A left in the set
    }

    @Test
    void mhEqualWeightsSplitTableWithExtraSlotToFirstServer() {
        assertEquals("1365 1364 1364", slotCounts(service("mh", 0, 1, 1, 1)));
    }

    @Test
    void mhWeightsOneTwoFourGiveKernelSlotCounts() {
        // A=1, B=2, C=4 added in that order; counts listed A B C
        ServiceScheduling s = service("mh", 0, 1, 2, 4);
        Map<Destination, Integer> counts = counts(s);
        Destination[] cba = s.destinations();
        assertEquals("584 1169 2340", counts.get(cba[2]) + " " + counts.get(cba[1]) + " " + counts.get(cba[0]));
    }

    @Test
    void mhQuiescingKeepsTheTable() {
        ServiceScheduling s = service("mh", 0, 1, 1, 1);
        Destination[] before = ((MaglevHashingScheduler) s.scheduler()).table();
        s.editWeight(s.destinations()[1], 0);
        Destination[] after = ((MaglevHashingScheduler) s.scheduler()).table();
        for (int i = 0; i < before.length; i++) {
            assertSame(before[i], after[i], "slot " + i);
        }
    }

    @Test
    void mhServerAddedWithWeightZeroTakesNoSlot() {
        ServiceScheduling s = service("mh", 0, 1, 0);
        assertEquals(null, counts(s).get(s.destinations()[0]));
    }

    @Test
    void mhRefusesMoreServersThanSlots() {
        ServiceScheduling s = Servers.service("mh", 0, 1);
        Destination[] many = new Destination[MaglevHashingScheduler.TABLE_SIZE + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = Servers.server(i + 1, 1);
        }
        MaglevHashingScheduler mh = new MaglevHashingScheduler(0);
        assertThrows(IllegalArgumentException.class, () -> mh.destinationsChanged(Scheduler.Change.BIND, null, many));
        assertEquals(1, s.size());
    }

    @Test
    void lblcExpireDropsOnlyEntriesIdleForTheExpiration() {
        ServiceScheduling s = service("lblc", 0, 1, 1);
        LocalityBasedLeastConnectionScheduler lblc = (LocalityBasedLeastConnectionScheduler) s.scheduler();
        lblc.expirationMs(60_000);
        s.schedule(1, 1, Servers.VIP, 80, 0);
        s.schedule(1, 1, Servers.VIP + 1, 80, 30_000);
        assertEquals(2, lblc.cacheSize());
        assertEquals(0, lblc.expire(59_999));
        assertEquals(1, lblc.expire(60_000));
        assertEquals(1, lblc.cacheSize());
        assertEquals(1, lblc.expire(90_000));
        assertEquals(0, lblc.cacheSize());
    }

    /** Slot counts in list order. */
    private static String slotCounts(ServiceScheduling s) {
        Map<Destination, Integer> counts = counts(s);
        StringBuilder b = new StringBuilder();
        for (Destination d : s.destinations()) {
            b.append(b.isEmpty() ? "" : " ").append(counts.get(d));
        }
        return b.toString();
    }

    private static Map<Destination, Integer> counts(ServiceScheduling s) {
        Map<Destination, Integer> counts = new HashMap<>();
        for (Destination d : ((MaglevHashingScheduler) s.scheduler()).table()) {
            counts.merge(d, 1, Integer::sum);
        }
        return counts;
    }
}
