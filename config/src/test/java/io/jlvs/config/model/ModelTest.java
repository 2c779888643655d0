package io.jlvs.config.model;

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

/** Invariants of the service-file model records. */
class ModelTest {
    @Test
    void serviceKeysPrintAsIpvsadmListsThem() {
        assertEquals("TCP 192.168.10.100:80",
                new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 80).toString());
        assertEquals("FWM 4294967295", new ServiceKey.Mark(-1).toString());
    }

    @Test
    void contiguousNetmasksAreRecognised() {
        assertTrue(Persistence.isContiguous(0xFFFFFFFF));
        assertTrue(Persistence.isContiguous(0xFFFFFF00));
        assertTrue(Persistence.isContiguous(0));
        assertFalse(Persistence.isContiguous(0xFF00FF00));
        assertFalse(Persistence.isContiguous(0x000000FF));
    }

    @Test
    void schedulerFlagNamesFollowTheScheduler() {
        assertEquals(List.of("sh-fallback", "sh-port"), SchedulerFlag.namesOf(0x18, "sh"));
        assertEquals(List.of("mh-port", "flag-3"), SchedulerFlag.namesOf(0x30, "mh"));
        assertEquals(List.of("flag-1", "flag-2", "flag-3"), SchedulerFlag.namesOf(0x38, "wrr"));
    }

    @Test
    void portZeroServiceNeedsPersistence() {
        ServiceKey key = new ServiceKey.Address(Protocol.TCP, 1, 0);
        assertThrows(IllegalArgumentException.class,
                () -> new ServiceSpec(key, "rr", 0, Optional.empty(), List.of()));
    }

    @Test
    void lowerThresholdAboveUpperIsRefusedAsTheKernelDoes() {
        assertThrows(IllegalArgumentException.class,
                () -> new RealServerSpec(1, 80, 1, ForwardingMethod.ROUTE, 0, 5));
        assertThrows(IllegalArgumentException.class,
                () -> new RealServerSpec(1, 80, 1, ForwardingMethod.ROUTE, 4, 5));
    }

    @Test
    void duplicateServiceKeysAreRefused() {
        ServiceSpec a = new ServiceSpec(new ServiceKey.Mark(1), "rr", 0, Optional.empty(), List.of());
        assertThrows(IllegalArgumentException.class,
                () -> new ServiceFile(GlobalSettings.defaults(List.of("eth0")), List.of(a, a)));
    }

    @Test
    void capacityIsAnyCountInRange() {
        assertTrue(GlobalSettings.isValidCapacity(1024));
        assertTrue(GlobalSettings.isValidCapacity(1 << 28));
        assertFalse(GlobalSettings.isValidCapacity(1 << 29), "more than the table can hold");
        assertFalse(GlobalSettings.isValidCapacity(512));
        assertTrue(GlobalSettings.isValidCapacity(3000), "not only powers of two");
        assertTrue(GlobalSettings.isValidCapacity(10_000_000));
        assertFalse(GlobalSettings.isValidCapacity(1L << 31));
    }
}
