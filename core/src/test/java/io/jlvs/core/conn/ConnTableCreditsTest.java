package io.jlvs.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Workers count entries against credits of their own, and the table still admits exactly its
 * capacity: whoever inserts last takes the credits another thread holds.
 */
class ConnTableCreditsTest {
    private static final int TCP = 6;
    private static final int VIP = 0xC0A80A64;
    private static final int CAPACITY = 1000;

    /** Inserts entries for clients {@code from..} until the table refuses or {@code max} are in; their slots. */
    private static List<Integer> fill(ConnTable t, int from, int max) {
        List<Integer> slots = new ArrayList<>();
        for (int c = from; slots.size() < max; c++) {
            int s = t.claim(ConnTable.KIND_CONN, TCP, c, 1000, VIP, 80);
            if (s == ConnTable.FULL) {
                break;
            }
            assertTrue(s >= 0, "a new key: " + s);
            t.fill(s, 0, 0x0A000001, 80, -1, 0);
            t.publish(s, TcpState.NONE, 0, false);
            slots.add(s);
        }
        return slots;
    }

    private static void remove(ConnTable t, List<Integer> slots) {
        for (int s : slots) {
            assertTrue(t.beginRemove(s, t.control(s)));
            t.finishRemove(s);
        }
    }

    /** Runs {@code body} on a thread of its own that holds credits while it runs. */
    private static <T> T onWorker(ConnTable t, Supplier<T> body) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            t.attachCredits();
            try {
                out.set(body.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        worker.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return out.get();
    }

    @Test
    void aWorkerHoldingCreditsStillLeavesExactlyTheCapacityToTheOthers() throws InterruptedException {
        try (ConnTable t = new ConnTable(CAPACITY)) {
            // Worker A inserts 10 entries and keeps the rest of its first chunk as credits.
            List<Integer> a = onWorker(t, () -> fill(t, 1, 10));
            assertEquals(10, a.size());
            assertEquals(10, t.size(), "credits held are not entries");
            // Worker B fills the table: it gets every entry but A's ten, A's credits included.
            List<Integer> b = onWorker(t, () -> fill(t, 100_000, Integer.MAX_VALUE));
            assertEquals(CAPACITY - 10, b.size());
            assertEquals(CAPACITY, t.size());
            assertEquals(0, fill(t, 500_000, 1).size(), "a thread without credits is refused too");
            // Removals on a worker go to its credits, which a thread without credits can then take.
            onWorker(t, () -> {
                remove(t, b.subList(0, 300));
                return null;
            });
            assertEquals(CAPACITY - 300, t.size());
            assertEquals(300, fill(t, 600_000, Integer.MAX_VALUE).size(), "the removed entries' room, exactly");
            assertEquals(CAPACITY, t.size());
        }
    }

    @Test
    void detachedCreditsGoBackToTheSharedCount() throws InterruptedException {
        try (ConnTable t = new ConnTable(CAPACITY)) {
            List<Integer> a = onWorker(t, () -> {
                List<Integer> slots = fill(t, 1, 5);
                t.detachCredits();
                return slots;
            });
            assertEquals(5, t.size());
            remove(t, a);
            assertEquals(0, t.size());
            assertEquals(CAPACITY, fill(t, 1_000, Integer.MAX_VALUE).size());
        }
    }

    @Test
    void workersInsertingAndRemovingConcurrentlyNeverExceedTheCapacityAndEndAtZero() throws InterruptedException {
        try (ConnTable t = new ConnTable(CAPACITY)) {
            List<Thread> workers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger live = new AtomicInteger();
            for (int w = 0; w < 4; w++) {
                int base = (w + 1) << 20;
                workers.add(Thread.ofPlatform().start(() -> {
                    t.attachCredits();
                    try {
                        for (int round = 0; round < 200; round++) {
                            List<Integer> mine = fill(t, base + round * 1000, 400);
                            int now = live.addAndGet(mine.size());
                            if (now > CAPACITY) {
                                throw new AssertionError(now + " entries live, above the capacity");
                            }
                            live.addAndGet(-mine.size());
                            remove(t, mine);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    } finally {
                        t.detachCredits();
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(0, t.size());
            assertEquals(CAPACITY, fill(t, 1, Integer.MAX_VALUE).size(), "every entry's room is back");
        }
    }
}
