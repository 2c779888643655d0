package io.jlvs.dataplane.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceFileDiff;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.TrackedService;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The service table: lookup order, reload by difference, capacity, listeners, counters. */
class ServiceTableTest {
    private static final int VIP = Ipv4.parse("192.168.10.100");
    private static final int RS1 = Ipv4.parse("192.168.188.81");
    private static final int RS2 = Ipv4.parse("192.168.188.82");
    private static final int RS3 = Ipv4.parse("192.168.188.83");
    private static final int TCP = 6;
    private static final int UDP = 17;

    private static RealServerSpec nat(int address, int port, int weight) {
        return new RealServerSpec(address, port, weight, ForwardingMethod.MASQ, 0, 0);
    }

    private static ServiceSpec web(String scheduler, RealServerSpec... servers) {
        return new ServiceSpec(new ServiceKey.Address(Protocol.TCP, VIP, 80), scheduler, 0, Optional.empty(),
                List.of(servers));
    }

    private static ServiceFile file(ServiceSpec... services) {
        return new ServiceFile(GlobalSettings.defaults(List.of("eth0")), List.of(services));
    }

    @Test
    void looksUpTheExactServiceThenThePersistentPortZeroService() {
        ServiceSpec any = new ServiceSpec(new ServiceKey.Address(Protocol.TCP, VIP, 0), "rr", 0,
                Optional.of(Persistence.DEFAULT), List.of(nat(RS2, 0, 1)));
        ServiceTable table = ServiceTable.of(List.of(web("rr", nat(RS1, 80, 1)), any));
        ServiceSnapshot s = table.snapshot();
        TrackedService exact = s.lookup(TCP, VIP, 80);
        TrackedService portZero = s.lookup(TCP, VIP, 443);
        assertEquals(80, exact.vport());
        assertEquals(0, portZero.vport());
        assertTrue(portZero.isPersistent());
        assertNull(s.lookup(UDP, VIP, 80), "another protocol");
        assertNull(s.lookup(TCP, RS1, 80), "another address");
        assertTrue(s.isVirtualAddress(VIP));
        assertTrue(s.isNatServerAddress(RS1) && s.isNatServerAddress(RS2));
        assertFalse(s.isNatServerAddress(RS3));
    }

    @Test
    void withoutAPortZeroServiceOtherPortsFindNothing() {
        ServiceTable table = ServiceTable.of(List.of(web("rr", nat(RS1, 80, 1))));
        assertNull(table.snapshot().lookup(TCP, VIP, 81));
    }

    @Test
    void reloadKeepsTheDestinationsOfServersThatStay() {
        ServiceFile before = file(web("rr", nat(RS1, 80, 1), nat(RS2, 80, 1)));
        ServiceFile after = file(web("rr", nat(RS1, 80, 0), nat(RS3, 80, 2)));
        ServiceTable table = ServiceTable.of(before.services());
        VirtualService service = table.services().getFirst();
        Destination rs1 = service.destination(nat(RS1, 80, 1));
        Destination rs2 = service.destination(nat(RS2, 80, 1));
        ServiceSnapshot old = table.snapshot();

        table.apply(ServiceFileDiff.between(before, after));

        assertSame(service, table.services().getFirst(), "the service itself stays");
        assertSame(rs1, service.destination(nat(RS1, 80, 0)), "a kept server keeps its Destination");
        assertEquals(0, rs1.weight(), "weight 0 quiesces");
        assertTrue(rs1.isAvailable(), "a quiesced server stays available for its connections");
        assertFalse(rs2.isAvailable(), "a removed server is deleted");
        assertNull(service.destination(nat(RS2, 80, 1)));
        Destination rs3 = service.destination(nat(RS3, 80, 2));
        assertEquals(2, rs3.weight());
        assertTrue(table.registry().index(rs3) >= 0, "a new server is registered");
        assertEquals(List.of(rs3, rs1), List.of(service.scheduling().destinations()), "newest first");
        assertNotSame(old, table.snapshot(), "a new snapshot is published");
        assertTrue(table.snapshot().version() > old.version());
        for (int i = 0; i < 4; i++) {
            assertSame(rs3, service.tracked().scheduler().schedule(1, 1, VIP, 80, 0), "only rs3 takes new connections");
        }
    }

    @Test
    void aSnapshotDoesNotChangeWhenTheTableDoes() {
        ServiceFile before = file(web("rr", nat(RS1, 80, 1)));
        ServiceFile after = file(web("rr", nat(RS1, 80, 1), nat(RS2, 80, 1)));
        ServiceTable table = ServiceTable.of(before.services());
        ServiceSnapshot old = table.snapshot();

        table.apply(ServiceFileDiff.between(before, after));

        VirtualService service = table.services().getFirst();
        int rs2 = table.registry().index(service.destination(nat(RS2, 80, 1)));
        assertEquals(service.index(), table.snapshot().serviceOf(rs2), "the new snapshot knows the new server");
        assertEquals(-1, old.serviceOf(rs2), "the old snapshot stays as it was built");
        assertFalse(old.isNatServerAddress(RS2));
    }

    @Test
    void schedulerAndPersistenceChangesGiveANewTrackedService() {
        ServiceFile before = file(web("rr", nat(RS1, 80, 1)));
        ServiceSpec persistentWlc = new ServiceSpec(new ServiceKey.Address(Protocol.TCP, VIP, 80), "wlc", 0,
                Optional.of(new Persistence(600, 0xFFFFFF00)), List.of(nat(RS1, 80, 1)));
        ServiceTable table = ServiceTable.of(before.services());
        table.apply(ServiceFileDiff.between(before, file(persistentWlc)));
        TrackedService tracked = table.snapshot().lookup(TCP, VIP, 80);
        assertEquals("wlc", tracked.scheduler().name());
        assertEquals(600, tracked.persistTimeoutS());
        assertEquals(0xFFFFFF00, tracked.netmask());
    }

    @Test
    void removedServicesAreNoLongerFound() {
        ServiceFile before = file(web("rr", nat(RS1, 80, 1)));
        ServiceTable table = ServiceTable.of(before.services());
        Destination rs1 = table.services().getFirst().destinations().getFirst();
        table.apply(ServiceFileDiff.between(before, file()));
        assertNull(table.snapshot().lookup(TCP, VIP, 80));
        assertFalse(table.snapshot().isVirtualAddress(VIP));
        assertFalse(rs1.isAvailable());
        assertTrue(table.services().isEmpty());
    }

    @Test
    void refusesGrowthBeyondItsCapacityWithoutChangingAnything() {
        ServiceTable table = new ServiceTable(1, 4);
        table.addAll(List.of(web("rr", nat(RS1, 80, 1))));
        ServiceSpec second = new ServiceSpec(new ServiceKey.Address(Protocol.UDP, VIP, 53), "rr", 0,
                Optional.empty(), List.of(nat(RS1, 53, 1)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.addAll(List.of(second)));
        assertTrue(e.getMessage().contains("service table full"), e.getMessage());
        assertEquals(1, table.services().size());
    }

    @Test
    void tellsListenersOfEveryPublication() {
        ServiceFile before = file(web("rr", nat(RS1, 80, 1)));
        ServiceTable table = ServiceTable.of(before.services());
        List<Integer> sizes = new java.util.ArrayList<>();
        List<Long> versions = new java.util.ArrayList<>();
        table.addListener((snapshot, services) -> {
            sizes.add(services.size());
            versions.add(snapshot.version());
        });
        table.apply(ServiceFileDiff.between(before, file()));
        assertEquals(List.of(1, 0), sizes, "the current state, then the reload");
        assertTrue(versions.get(1) > versions.get(0));
        assertEquals(versions.get(1), table.snapshot().version());
    }

    @Test
    void sumsCountersOverWorkers() {
        ServiceTable table = ServiceTable.of(List.of(web("rr", nat(RS1, 80, 1))));
        VirtualService service = table.services().getFirst();
        Destination rs1 = service.destinations().getFirst();
        int d = table.registry().index(rs1);
        TrafficCounters a = table.newCounters();
        TrafficCounters b = table.newCounters();
        a.connection(service.index(), d);
        a.in(service.index(), d, 60);
        b.in(service.index(), d, 40);
        b.out(service.index(), d, 1500);
        Stats expected = new Stats(1, 2, 1, 100, 1500);
        assertEquals(expected, table.serviceStats(service));
        assertEquals(expected, table.destinationStats(rs1));
    }

    @Test
    void deletedServerAddedAgainIsTheSameDestinationWithItsConnections() {
        long[] nowMs = {0};
        ServiceFile both = file(web("rr", nat(RS1, 80, 1), nat(RS2, 80, 3)));
        ServiceFile withoutRs2 = file(web("rr", nat(RS1, 80, 1)));
        ServiceFile rs2Back = file(web("rr", nat(RS1, 80, 1), new RealServerSpec(RS2, 80, 0, ForwardingMethod.ROUTE,
                0, 0)));
        ServiceTable table = new ServiceTable(16, 16, () -> nowMs[0]);
        table.addAll(both.services());
        VirtualService service = table.services().getFirst();
        Destination rs2 = service.destination(nat(RS2, 80, 3));
        int index = table.registry().index(rs2);
        rs2.setConns(2, 5);
        TrafficCounters worker = table.newCounters();
        worker.connection(service.index(), index);

        table.apply(ServiceFileDiff.between(both, withoutRs2));
        assertFalse(rs2.isAvailable(), "deleted: its connections' packets are dropped");
        assertTrue(table.snapshot().isNatServerAddress(RS2), "its replies are still rewritten");
        nowMs[0] = ServiceTable.TRASH_PERIOD_MS * 10;
        table.apply(ServiceFileDiff.between(withoutRs2, rs2Back));

        assertSame(rs2, service.destination(nat(RS2, 80, 0)), "revived from the trash, not a new Destination");
        assertTrue(rs2.isAvailable(), "its connections resume");
        assertEquals(index, table.registry().index(rs2));
        assertEquals(2, rs2.activeConns());
        assertEquals(5, rs2.inactConns());
        assertEquals(1, table.destinationStats(rs2).conns(), "counters carry on");
        assertEquals(ForwardingMethod.ROUTE, rs2.method(), "the new method");
        assertEquals(0, rs2.weight(), "the new weight");
        assertEquals(0, rs2.lastWeight(), "an add sets last_weight even to 0");
        assertEquals(List.of(rs2, service.destination(nat(RS1, 80, 1))),
                List.of(service.scheduling().destinations()), "at the head of the list, as an add");
    }

    @Test
    void idleDeletedServerIsForgottenAfterTheTrashPeriod() {
        long[] nowMs = {0};
        ServiceFile both = file(web("rr", nat(RS1, 80, 1), nat(RS2, 80, 1)));
        ServiceFile withoutRs2 = file(web("rr", nat(RS1, 80, 1)));
        ServiceTable table = new ServiceTable(16, 16, () -> nowMs[0]);
        table.addAll(both.services());
        VirtualService service = table.services().getFirst();
        Destination rs2 = service.destination(nat(RS2, 80, 1));

        table.apply(ServiceFileDiff.between(both, withoutRs2));
        nowMs[0] = ServiceTable.TRASH_PERIOD_MS - 1;
        table.apply(ServiceFileDiff.between(withoutRs2, both));
        assertSame(rs2, service.destination(nat(RS2, 80, 1)), "within the period: revived");

        table.apply(ServiceFileDiff.between(both, withoutRs2));
        nowMs[0] += ServiceTable.TRASH_PERIOD_MS;
        table.apply(ServiceFileDiff.between(withoutRs2, both));
        Destination fresh = service.destination(nat(RS2, 80, 1));
        assertNotSame(rs2, fresh, "idle for a whole period: a new Destination");
        table.apply(ServiceFileDiff.between(both, withoutRs2));
        nowMs[0] += ServiceTable.TRASH_PERIOD_MS;
        table.apply(ServiceFileDiff.between(withoutRs2, withoutRs2));
        assertFalse(table.snapshot().isNatServerAddress(RS2), "forgotten: no longer a NAT server's address");
        assertEquals(-1, table.registry().index(fresh), "forgotten: its place in the registry is free");
        assertEquals(-1, table.registry().index(rs2));
        assertEquals(1, table.registry().size(), "only rs1 is registered");
    }

    @Test
    void serviceDeletedAndAddedAgainRevivesItsServers() {
        ServiceFile web = file(web("rr", nat(RS1, 80, 1)));
        ServiceTable table = ServiceTable.of(web.services());
        Destination rs1 = table.services().getFirst().destinations().getFirst();
        rs1.setConns(1, 0);
        table.apply(ServiceFileDiff.between(web, file()));
        table.apply(ServiceFileDiff.between(file(), web));
        VirtualService again = table.services().getFirst();
        assertSame(rs1, again.destinations().getFirst());
        assertTrue(rs1.isAvailable());
        assertSame(rs1, again.tracked().scheduler().schedule(1, 1, VIP, 80, 0));
    }

    @Test
    void revivalsDoNotCountAgainstTheCapacity() {
        ServiceFile both = file(web("rr", nat(RS1, 80, 1), nat(RS2, 80, 1)));
        ServiceFile withoutRs2 = file(web("rr", nat(RS1, 80, 1)));
        ServiceTable table = new ServiceTable(1, 2);
        table.addAll(both.services());
        for (int i = 0; i < 5; i++) {
            table.apply(ServiceFileDiff.between(both, withoutRs2));
            table.apply(ServiceFileDiff.between(withoutRs2, both));
        }
        assertEquals(2, table.services().getFirst().destinations().size());
    }

    @Test
    void aThousandClearAndRestoreCyclesNeverFillTheTable() {
        ServiceSpec dns = new ServiceSpec(new ServiceKey.Address(Protocol.UDP, VIP, 53), "rr", 0, Optional.empty(),
                List.of(nat(RS1, 53, 1)));
        ServiceFile saved = file(web("wrr", nat(RS1, 80, 3), nat(RS2, 80, 1)), dns);
        ServiceFile cleared = file();
        ServiceTable table = ServiceTable.of(saved.services());
        for (int cycle = 0; cycle < 1000; cycle++) {
            table.apply(ServiceFileDiff.between(saved, cleared));
            assertTrue(table.services().isEmpty());
            table.apply(ServiceFileDiff.between(cleared, saved));
            assertEquals(2, table.services().size(), "cycle " + cycle);
        }
        assertEquals(3, table.services().getFirst().destinations().size() + table.services().get(1).destinations()
                .size());
        assertNotNull(table.snapshot().lookup(UDP, VIP, 53));
    }

    @Test
    void reloadsSwappingWholePoolsFreeThePlacesOfIdleDeletedServers() {
        int pool = 250;
        long[] nowMs = {0};
        ServiceFile previous = file(web("rr", pool(0, pool)));
        ServiceTable table = new ServiceTable(16, 4096, () -> nowMs[0]);
        table.addAll(previous.services());
        for (int reload = 1; reload <= 100; reload++) {
            ServiceFile next = file(web("rr", pool(reload * pool, pool)));
            table.apply(ServiceFileDiff.between(previous, next));
            previous = next;
            nowMs[0] += 1_000;
            assertEquals(pool, table.services().getFirst().destinations().size(), "reload " + reload);
        }
        assertTrue(table.registry().size() <= 4096, "live registrations " + table.registry().size());
    }

    @Test
    void aDeletedServerWithConnectionsKeepsItsPlaceAndTheTableSaysWhyItIsFull() {
        ServiceTable table = new ServiceTable(4, 2);
        table.addAll(List.of(web("rr", nat(RS1, 80, 1))));
        Destination rs1 = table.services().getFirst().destinations().getFirst();
        rs1.bindConn(false, true);
        ServiceFile with = file(web("rr", nat(RS1, 80, 1)));
        ServiceFile other = file(web("rr", nat(RS2, 80, 1)));
        table.apply(ServiceFileDiff.between(with, other));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> table.apply(ServiceFileDiff.between(other, file(web("rr", nat(RS2, 80, 1), nat(RS3, 80, 1))))));
        assertTrue(e.getMessage().contains("1 deleted ones with connections"), e.getMessage());
        assertFalse(e.getMessage().contains("restart"), e.getMessage());
    }

    @Test
    void aReusedIndexCountsFromZero() {
        ServiceTable table = new ServiceTable(1, 1);
        TrafficCounters worker = table.newCounters();
        table.addAll(List.of(web("rr", nat(RS1, 80, 1))));
        VirtualService first = table.services().getFirst();
        int destination = table.registry().indexOf(first.destinations().getFirst());
        worker.connection(first.index(), destination);
        worker.in(first.index(), destination, 60);
        assertEquals(1, table.serviceStats(first).conns());
        table.apply(ServiceFileDiff.between(file(web("rr", nat(RS1, 80, 1))), file()));
        ServiceSpec dns = new ServiceSpec(new ServiceKey.Address(Protocol.UDP, VIP, 53), "rr", 0, Optional.empty(),
                List.of(nat(RS2, 53, 1)));
        table.addAll(List.of(dns));
        VirtualService second = table.services().getFirst();
        assertEquals(first.index(), second.index(), "the only place is used again");
        assertEquals(Stats.ZERO, table.serviceStats(second));
        assertEquals(Stats.ZERO, table.destinationStats(second.destinations().getFirst()));
    }

    @Test
    void aSnapshotIsNotChangedByLaterChangesToTheTable() {
        ServiceTable table = new ServiceTable(4, 1);
        table.addAll(List.of(web("rr", nat(RS1, 80, 1))));
        VirtualService web = table.services().getFirst();
        int place = table.registry().indexOf(web.destinations().getFirst());
        ServiceSnapshot before = table.snapshot();
        assertEquals(web.index(), before.serviceOf(place));
        table.apply(ServiceFileDiff.between(file(web("rr", nat(RS1, 80, 1))), file()));
        ServiceSpec dns = new ServiceSpec(new ServiceKey.Address(Protocol.UDP, VIP, 53), "rr", 0, Optional.empty(),
                List.of(nat(RS2, 53, 1)));
        table.addAll(List.of(new ServiceSpec(new ServiceKey.Address(Protocol.TCP, VIP, 443), "rr", 0,
                Optional.empty(), List.of()), dns));
        VirtualService second = table.service(new ServiceKey.Address(Protocol.UDP, VIP, 53));
        assertEquals(place, table.registry().indexOf(second.destinations().getFirst()), "the one place is used again");
        assertEquals(second.index(), table.snapshot().serviceOf(place), "the new snapshot maps it to the new service");
        assertEquals(web.index(), before.serviceOf(place), "the old snapshot still maps it as when it was built");
    }

    private static RealServerSpec[] pool(int first, int count) {
        RealServerSpec[] servers = new RealServerSpec[count];
        for (int i = 0; i < count; i++) {
            servers[i] = nat(Ipv4.parse("10.0.0.0") + first + i, 80, 1);
        }
        return servers;
    }
}
