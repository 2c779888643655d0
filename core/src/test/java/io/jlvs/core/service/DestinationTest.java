package io.jlvs.core.service;

import io.jlvs.core.net.Ipv4;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counters, overhead and the connection thresholds of IPVS-SEMANTICS §2.4 and §2.9. */
class DestinationTest {

    private static Destination dest(int weight) {
        return new Destination(Ipv4.parse("192.168.188.81"), 80, ForwardingMethod.MASQ, weight);
    }

    @Test
    void overheadIsActiveTimes256PlusInactive() {
        Destination d = dest(1);
        d.setConns(2, 7);
        assertEquals(2 * 256 + 7, d.overhead());
    }

    @Test
    void upperThresholdAdmitsExactlyThatManyConnections() {
        Destination d = dest(1);
        d.thresholds(3, 0);
        d.bindConn(false, false);
        d.bindConn(false, false);
        assertFalse(d.isOverloaded());
        d.bindConn(false, false);
        assertTrue(d.isOverloaded(), "-x 3 sets OVERLOAD when the third connection is bound");
    }

    @Test
    void templatesDoNotCountTowardsTheThreshold() {
        Destination d = dest(1);
        d.thresholds(1, 0);
        d.bindConn(true, false);
        assertEquals(1, d.persistConns());
        assertEquals(0, d.totalConns());
        assertFalse(d.isOverloaded());
    }

    @Test
    void withoutLowerThresholdOverloadClearsBelowThreeQuartersOfUpper() {
        Destination d = dest(1);
        d.thresholds(4, 0);
        for (int i = 0; i < 4; i++) {
            d.bindConn(false, true);
        }
        assertTrue(d.isOverloaded());
        d.unbindConn(false, true); // 3 left: 3*4 = 12, not < 4*3 = 12
        assertTrue(d.isOverloaded());
        d.unbindConn(false, true); // 2 left: 8 < 12
        assertFalse(d.isOverloaded());
    }

    @Test
    void lowerThresholdDecidesWhenOverloadClears() {
        Destination d = dest(1);
        d.thresholds(4, 2);
        for (int i = 0; i < 4; i++) {
            d.bindConn(false, false);
        }
        d.unbindConn(false, false);
        d.unbindConn(false, false); // 2 left, not < 2
        assertTrue(d.isOverloaded());
        d.unbindConn(false, false);
        assertFalse(d.isOverloaded());
    }

    @Test
    void raisingTheUpperThresholdClearsOverloadAtOnceButLoweringWaitsForTheNextBind() {
        Destination d = dest(1);
        d.thresholds(2, 0);
        d.bindConn(false, false);
        d.bindConn(false, false);
        assertTrue(d.isOverloaded());
        d.thresholds(5, 0);
        assertFalse(d.isOverloaded(), "a higher upper threshold clears the flag on edit");
        d.thresholds(1, 0);
        assertFalse(d.isOverloaded(), "lowering it sets nothing until a connection is bound");
        d.bindConn(false, false);
        assertTrue(d.isOverloaded());
    }

    @Test
    void lowerAboveUpperIsOutOfRangeEvenWithoutUpper() {
        Destination d = dest(1);
        assertThrows(IllegalArgumentException.class, () -> d.thresholds(2, 3));
        assertThrows(IllegalArgumentException.class, () -> d.thresholds(0, 3));
    }

    @Test
    void quiescingKeepsLastWeight() {
        Destination d = dest(4);
        d.weight(0);
        assertEquals(0, d.weight());
        assertEquals(4, d.lastWeight());
        d.weight(2);
        assertEquals(2, d.lastWeight());
        assertEquals(0, dest(0).lastWeight(), "a server added with weight 0 starts with last_weight 0");
    }

    @Test
    void stateChangesMoveOneCountBetweenActiveAndInactive() {
        Destination d = dest(1);
        d.bindConn(false, false);
        d.inactiveToActive();
        assertEquals(1, d.activeConns());
        assertEquals(0, d.inactConns());
        d.activeToInactive();
        assertEquals(0, d.activeConns());
        assertEquals(1, d.inactConns());
    }

    @Test
    void weightOutsideIpvsadmRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> dest(-1));
        assertThrows(IllegalArgumentException.class, () -> dest(65536));
    }
}
