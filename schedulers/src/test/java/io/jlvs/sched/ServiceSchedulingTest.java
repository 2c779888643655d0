package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control-side holder: list order, notifications, AVAILABLE, edits and rebinding. */
class ServiceSchedulingTest {

    /** Records what the holder tells its scheduler. */
    private static class Recorder implements Scheduler {
        final List<String> calls = new ArrayList<>();

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
            calls.add(change + " " + (subject == null ? "-" : Servers.letter(subject)) + " " + destinations.length);
        }

        @Override
        public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
            return null;
        }
    }

    @Test
    void notifiesSchedulerOfEveryChange() {
        Recorder r = new Recorder();
        ServiceScheduling s = new ServiceScheduling(r);
        Destination a = Servers.server(1, 1);
        Destination b = Servers.server(2, 1);
        s.add(a);
        s.add(b);
        s.editWeight(a, 5);
        s.edit(b, 2, 100, 50);
        s.delete(a);
        assertEquals(List.of("BIND - 0", "ADD A 1", "ADD B 2", "EDIT A 2", "EDIT B 2", "DELETE A 1"), r.calls);
        assertEquals(100, b.upperThreshold());
        assertEquals(50, b.lowerThreshold());
    }

    @Test
    void addsAtTheHeadAndEditKeepsOrder() {
        ServiceScheduling s = Servers.service("rr", 0, 1, 1, 1);
        Destination[] cba = s.destinations();
        assertEquals("C B A", Servers.letter(cba[0]) + " " + Servers.letter(cba[1]) + " " + Servers.letter(cba[2]));
        s.editWeight(cba[2], 7);
        assertArrayEquals(cba, s.destinations());
    }

    @Test
    void deleteClearsAvailableAndReAddRestoresIt() {
        ServiceScheduling s = Servers.service("dh", 0, 1, 1);
        Destination a = s.destinations()[1];
        s.delete(a);
        assertFalse(a.isAvailable());
        assertNull(s.find(a.addr(), a.port()));
        s.add(a);
        assertTrue(a.isAvailable());
        assertSame(a, s.destinations()[0]);
    }

    @Test
    void refusesDuplicateAndUnknownDestinations() {
        ServiceScheduling s = Servers.service("rr", 0, 1);
        assertThrows(IllegalArgumentException.class, () -> s.add(Servers.server(1, 3)));
        assertThrows(IllegalArgumentException.class, () -> s.delete(Servers.server(9, 1)));
        assertThrows(IllegalArgumentException.class, () -> s.editWeight(Servers.server(9, 1), 1));
    }

    @Test
    void editClearsOverloadWhenUpperThresholdIsZero() {
        ServiceScheduling s = Servers.service("rr", 0, 1);
        Destination a = s.destinations()[0];
        a.setFlag(Destination.OVERLOAD);
        s.editWeight(a, 2);
        assertFalse(a.isOverloaded());
    }

    @Test
    void refusesLowerThresholdAboveUpperEvenWithoutUpper() {
        // the kernel checks l_threshold > u_threshold unconditionally (ERANGE)
        ServiceScheduling s = Servers.service("rr", 0, 1);
        Destination a = s.destinations()[0];
        assertThrows(IllegalArgumentException.class, () -> s.edit(a, 1, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> s.edit(a, 1, 10, 11));
        s.edit(a, 1, 10, 10);
        assertEquals(10, a.lowerThreshold());
    }

    @Test
    void listStaysUnchangedWhenSchedulerRefusesAnAdd() {
        Recorder refusing = new Recorder() {
            @Override
            public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
                if (change == Change.ADD && destinations.length > 1) {
                    throw new IllegalArgumentException("too many");
                }
            }
        };
        ServiceScheduling s = new ServiceScheduling(refusing);
        s.add(Servers.server(1, 1));
        assertThrows(IllegalArgumentException.class, () -> s.add(Servers.server(2, 1)));
        assertEquals(1, s.size());
    }

    @Test
    void rebindGivesNewSchedulerTheCurrentList() {
        ServiceScheduling s = Servers.service("rr", 0, 1, 1);
        Recorder r = new Recorder();
        s.rebind(r);
        assertSame(r, s.scheduler());
        assertEquals(List.of("BIND - 2"), r.calls);
    }
}
