package io.jlvs.core.conn;

/**
 * A consistent copy of one live entry, filled by {@link ConnTable#read}. Reusable and
 * mutable; for the control side (listings, draining) and for tests, never shared between
 * threads.
 */
public final class ConnView {
    /** Slot index of the entry. */
    public int slot;
    /** The control word at the time of the read. */
    public long control;
    public int protocol;
    /** {@link ConnTable#KIND_CONN} or {@link ConnTable#KIND_TEMPLATE}. */
    public int kind;
    /** Client address and port, host byte order (template: masked address, port 0). */
    public int caddr;
    public int cport;
    /** Virtual address and port, host byte order (fwmark template: the mark, port 0). */
    public int vaddr;
    public int vport;
    /** Real server address and port, host byte order. */
    public int daddr;
    public int dport;
    public int destIndex;
    public int link;
    /** Expiry in centiseconds (wrapping, see {@link ConnTracker#centis}). */
    public int expiryCs;
    /** TCP state ({@link TcpState}); 0 for UDP and templates. */
    public int state;
    /** Entry flags ({@code ConnTable.F_*}). */
    public int flags;
    /** Client → server packets seen, counted up to {@link ConnTable#IN_PACKETS_MAX}. */
    public int inPkts;

    public boolean isTemplate() {
        return (flags & ConnTable.F_TEMPLATE) != 0;
    }

    /** Milliseconds until expiry at {@code nowMs} (negative once expired). */
    public long remainingMs(long nowMs) {
        return (long) (expiryCs - ConnTracker.centis(nowMs)) * 10 - nowMs % 10;
    }
}
