package io.jlvs.core.conn;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Index ↔ destination mapping used by connection entries. */
class DestinationRegistryTest {
    @Test
    void registersOnceAndResolvesBothWays() {
        DestinationRegistry r = new DestinationRegistry(2);
        Destination a = new Destination(1, 80, ForwardingMethod.MASQ, 1);
        Destination b = new Destination(2, 80, ForwardingMethod.MASQ, 1);
        int ia = r.register(a);
        int ib = r.register(b);
        assertEquals(ia, r.register(a));
        assertSame(a, r.destination(ia));
        assertSame(b, r.destination(ib));
        assertEquals(ib, r.index(b));
        assertEquals(-1, r.index(new Destination(2, 80, ForwardingMethod.MASQ, 1)), "by identity");
        assertNull(r.destination(5));
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> r.register(new Destination(3, 80, ForwardingMethod.MASQ, 1)));
        assertEquals("destination registry full (2 destinations); start with a larger registry", full.getMessage());
    }
}
