package io.jlvs.core.conn;

/**
 * The entry a {@link ConnTracker} call found or created, filled by the call when its verdict is
 * {@link ConnVerdict#TRACKED}. One per worker, reused for every packet (nothing is allocated
 * per packet); read it right after the call, before the next one.
 */
public final class ConnResult {
    private int slot = -1;

    /** The entry's slot, valid until the entry is removed; -1 when the last call tracked nothing. */
    public int slot() {
        return slot;
    }

    void slot(int slot) {
        this.slot = slot;
    }
}
