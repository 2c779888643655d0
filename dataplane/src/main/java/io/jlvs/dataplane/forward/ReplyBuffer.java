package io.jlvs.dataplane.forward;

import java.lang.foreign.MemorySegment;

/**
 * Where a rewriter writes an ICMP error it answers with (a TX ring slot or a scratch buffer),
 * and the director identity the error comes from. Re-pointed with {@link #wrap} as the caller
 * likes; after a {@link ForwardVerdict#REPLY} verdict {@link #lengthBytes()} bytes from
 * {@link #offset()} hold a whole Ethernet frame. One per worker; allocation-free.
 */
public final class ReplyBuffer {
    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int capacityBytes;
    private int lengthBytes;
    private long sourceMac;
    private int sourceAddress;

    /** Points the buffer at {@code capacityBytes} of {@code segment} from {@code offset}; clears the length. */
    public ReplyBuffer wrap(MemorySegment segment, long offset, int capacityBytes) {
        this.segment = segment;
        this.offset = offset;
        this.capacityBytes = capacityBytes;
        this.lengthBytes = 0;
        return this;
    }

    /**
     * Sets the identity errors are sent from: the MAC of the interface the offending frame came
     * in on (low 48 bits, first octet most significant) and the director's IPv4 address there
     * (host byte order).
     */
    public ReplyBuffer from(long mac, int address) {
        this.sourceMac = mac;
        this.sourceAddress = address;
        return this;
    }

    /** The segment replies are written to. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of the reply frame in {@link #segment()}. */
    public long offset() {
        return offset;
    }

    /** Bytes available for a reply frame. */
    public int capacityBytes() {
        return capacityBytes;
    }

    /** Length of the reply frame written by the last {@link ForwardVerdict#REPLY}, else 0. */
    public int lengthBytes() {
        return lengthBytes;
    }

    /** Source MAC of replies (low 48 bits). */
    public long sourceMac() {
        return sourceMac;
    }

    /** Source IPv4 address of replies, host byte order. */
    public int sourceAddress() {
        return sourceAddress;
    }

    void lengthBytes(int lengthBytes) {
        this.lengthBytes = lengthBytes;
    }
}
