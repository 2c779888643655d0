package io.jlvs.sched;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Finding schedulers by name and parsing the scheduler flags as ipvsadm does. */
class SchedulersTest {

    @Test
    void findsEveryKernelSchedulerByName() {
        Set<String> expected = Set.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "sh", "dh", "lblc", "lblcr", "mh");
        assertEquals(expected, Schedulers.names());
        for (String name : expected) {
            assertEquals(name, Schedulers.create(name, 0).name());
        }
    }

    @Test
    void createsAFreshInstanceEachTime() {
        assertNotSame(Schedulers.create("wrr", 0), Schedulers.create("wrr", 0));
    }

    @Test
    void refusesUnknownNameListingValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedulers.create("foo", 0));
        assertEquals("unknown scheduler 'foo': valid names are dh, fo, lblc, lblcr, lc, mh, nq, ovf, rr, sed, sh, wlc, wrr",
                e.getMessage());
    }

    @Test
    void parsesShAndMhFlagNames() {
        assertEquals(0x18, Schedulers.parseFlags("sh", "sh-fallback,sh-port"));
        assertEquals(0x08, Schedulers.parseFlags("mh", "mh-fallback"));
        assertEquals(0x10, Schedulers.parseFlags("mh", "mh-port"));
        assertEquals(0x38, Schedulers.parseFlags("rr", "flag-1,flag-2,flag-3"));
        assertEquals(0, Schedulers.parseFlags("rr", ""));
    }

    @Test
    void refusesShFlagForOtherScheduler() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.parseFlags("rr", "sh-port"));
        assertEquals("incompatible scheduler flag 'sh-port': it applies to the sh scheduler only, not rr", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedulers.parseFlags("sh", "mh-fallback"));
    }

    @Test
    void refusesUnknownFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.parseFlags("sh", "sh-fallback,sh-sticky"));
        assertEquals("invalid scheduler flag 'sh-sticky': valid flags are sh-fallback, sh-port, mh-fallback, "
                + "mh-port, flag-1, flag-2, flag-3", e.getMessage());
    }
}
