package io.jlvs.core.conn;

/**
 * What {@link ConnTracker#inPacket} or {@link ConnTracker#outPacket} decided for one packet.
 * Only {@link #TRACKED} names an entry: its slot is in the caller's {@link ConnResult}.
 */
public enum ConnVerdict {
    /** The packet belongs to a live entry (found or just created); {@link ConnResult#slot()} holds it. */
    TRACKED,
    /** No entry and the packet cannot start one (TCP without SYN, or a reply nobody tracks): pass it on. */
    NO_CONN,
    /** No entry and no service was given for a packet that could start one. */
    NO_SERVICE,
    /** The scheduler found no server: answer ICMP port-unreachable and drop. */
    NO_DEST,
    /** The table is full: the new connection is refused (counted). */
    TABLE_FULL,
    /** The entry's server was deleted ({@code expire_nodest_conn=0}): drop silently. */
    DEST_DELETED,
    /** The new connection was refused by {@code drop_packet} ({@link Defense}). */
    DEFENSE_DROP,
    /** The client holds as many embryonic connections as the per-source limit allows. */
    SYN_LIMIT
}
