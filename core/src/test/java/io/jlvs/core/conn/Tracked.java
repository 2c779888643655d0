package io.jlvs.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test aid: the slot of a tracker call that must have tracked its packet. */
public final class Tracked {
    private Tracked() {
    }

    /** Asserts that {@code verdict} is {@link ConnVerdict#TRACKED} and returns the slot in {@code result}. */
    public static int slot(ConnVerdict verdict, ConnResult result) {
        assertEquals(ConnVerdict.TRACKED, verdict, "the packet was tracked");
        return result.slot();
    }
}
