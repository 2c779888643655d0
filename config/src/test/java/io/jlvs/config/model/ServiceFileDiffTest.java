package io.jlvs.config.model;

import io.jlvs.config.model.ServiceFileDiff.ServerChange;
import io.jlvs.config.model.ServiceFileDiff.ServiceChange;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.service.SchedulerFlag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What hot reload sees between two service files. */
class ServiceFileDiffTest {
    private static final GlobalSettings GLOBAL = GlobalSettings.defaults(List.of("eth0"));
    private static final ServiceKey HTTP = new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 80);
    private static final ServiceKey REDIS = new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 6379);
    private static final ServiceKey MARK = new ServiceKey.Mark(1);
    private static final RealServerSpec RS1 = nat("192.168.188.81", 80, 3);
    private static final RealServerSpec RS2 = nat("192.168.188.82", 80, 1);

    private static RealServerSpec nat(String address, int port, int weight) {
        return new RealServerSpec(Ipv4.parse(address), port, weight, ForwardingMethod.MASQ, 0, 0);
    }

    private static ServiceSpec service(ServiceKey key, RealServerSpec... servers) {
        return new ServiceSpec(key, "wrr", 0, Optional.empty(), List.of(servers));
    }

    private static ServiceFile file(ServiceSpec... services) {
        return new ServiceFile(GLOBAL, List.of(services));
    }

    @Test
    void sameFileHasNoDifference() {
        ServiceFile file = file(service(HTTP, RS1, RS2), service(MARK));
        ServiceFileDiff diff = ServiceFileDiff.between(file, file(service(HTTP, RS1, RS2), service(MARK)));
        assertTrue(diff.isEmpty());
    }

    @Test
    void servicesAddedAndRemovedAreListedInFileOrder() {
        ServiceSpec http = service(HTTP, RS1);
        ServiceSpec redis = service(REDIS);
        ServiceSpec mark = service(MARK);
        ServiceFileDiff diff = ServiceFileDiff.between(file(http, redis), file(mark, http));
        assertEquals(List.of(mark), diff.added());
        assertEquals(List.of(redis), diff.removed());
        assertEquals(List.of(), diff.changed());
        assertFalse(diff.isEmpty());
    }

    @Test
    void changedServicePortIsRemovalPlusAddition() {
        ServiceSpec before = service(HTTP, RS1);
        ServiceSpec after = service(new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 8080), RS1);
        ServiceFileDiff diff = ServiceFileDiff.between(file(before), file(after));
        assertEquals(List.of(after), diff.added());
        assertEquals(List.of(before), diff.removed());
    }

    @Test
    void serversAddedRemovedAndEditedArePerService() {
        RealServerSpec rs1Heavier = nat("192.168.188.81", 80, 5);
        RealServerSpec rs3 = nat("192.168.188.83", 80, 1);
        ServiceFileDiff diff = ServiceFileDiff.between(file(service(HTTP, RS1, RS2)),
                file(service(HTTP, rs3, rs1Heavier)));
        assertEquals(1, diff.changed().size());
        ServiceChange change = diff.changed().get(0);
        assertEquals(List.of(rs3), change.serversAdded());
        assertEquals(List.of(RS2), change.serversRemoved());
        assertEquals(List.of(new ServerChange(RS1, rs1Heavier)), change.serversEdited());
        assertFalse(change.schedulerChanged());
        assertFalse(change.persistenceChanged());
    }

    @Test
    void serverEditSaysWhatChanged() {
        RealServerSpec weight = nat("192.168.188.81", 80, 0);
        RealServerSpec method = new RealServerSpec(RS1.address(), 80, 3, ForwardingMethod.ROUTE, 0, 0);
        RealServerSpec thresholds = new RealServerSpec(RS1.address(), 80, 3, ForwardingMethod.MASQ, 100, 0);

        ServerChange w = new ServerChange(RS1, weight);
        assertTrue(w.weightChanged());
        assertFalse(w.methodChanged());
        assertFalse(w.thresholdsChanged());

        ServerChange m = new ServerChange(RS1, method);
        assertFalse(m.weightChanged());
        assertTrue(m.methodChanged());
        assertFalse(m.thresholdsChanged());

        ServerChange t = new ServerChange(RS1, thresholds);
        assertFalse(t.weightChanged());
        assertFalse(t.methodChanged());
        assertTrue(t.thresholdsChanged());
    }

    @Test
    void serverChangeOfAnotherServerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ServerChange(RS1, RS2));
    }

    @Test
    void schedulerFlagsAndPersistenceChangesAreFlagged() {
        ServiceSpec before = service(HTTP, RS1);
        ServiceSpec scheduler = new ServiceSpec(HTTP, "sh", 0, Optional.empty(), List.of(RS1));
        ServiceSpec flags = new ServiceSpec(HTTP, "wrr", SchedulerFlag.FLAG_1.bit(), Optional.empty(), List.of(RS1));
        ServiceSpec persistence = new ServiceSpec(HTTP, "wrr", 0, Optional.of(Persistence.DEFAULT), List.of(RS1));
        ServiceSpec netmask = new ServiceSpec(HTTP, "wrr", 0, Optional.of(new Persistence(360, 0xFFFFFF00)),
                List.of(RS1));

        ServiceChange s = ServiceChange.between(before, scheduler);
        assertTrue(s.schedulerChanged());
        assertFalse(s.flagsChanged());
        assertFalse(s.persistenceChanged());
        assertEquals(List.of(), s.serversEdited());

        ServiceChange f = ServiceChange.between(before, flags);
        assertFalse(f.schedulerChanged());
        assertTrue(f.flagsChanged());

        ServiceChange p = ServiceChange.between(before, persistence);
        assertTrue(p.persistenceChanged());
        assertFalse(p.schedulerChanged());

        assertTrue(ServiceChange.between(persistence, netmask).persistenceChanged());
        assertTrue(ServiceChange.between(persistence, before).persistenceChanged());
    }

    @Test
    void changeOfAnotherServiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ServiceChange.between(service(HTTP), service(REDIS)));
    }

    @Test
    void changedGlobalKeysAreNamed() {
        GlobalSettings after = new GlobalSettings(List.of("eth0", "eth1"), 2, GLOBAL.connectionTableCapacity(),
                new Timeouts(900, 120, 60), Optional.empty(), GLOBAL.controlSocket(),
                new IoSettings(IoSettings.Backend.AF_XDP, 4096, 1, 1), new DefenseSettings(1, 1, 1, 1024, 10, 5, 0));
        ServiceFileDiff diff = ServiceFileDiff.between(file(), new ServiceFile(after, List.of()));
        assertEquals(List.of("interfaces", "workers", "timeouts", "metrics-listen", "io", "defense"),
                diff.globalKeysChanged());
        assertFalse(diff.isEmpty());
    }
}
