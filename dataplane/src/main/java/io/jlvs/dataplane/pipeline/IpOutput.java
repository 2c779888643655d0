package io.jlvs.dataplane.pipeline;

import java.lang.foreign.MemorySegment;

/**
 * The kernel's own IP output, for a rewritten packet whose next hop has no known MAC yet: the
 * kernel routes it, resolves the neighbour and holds the packet in the neighbour's queue until
 * the answer comes (or drops it, counting in its own statistics), as IPVS's transmit functions
 * do for every packet. Without it such a packet is dropped ({@code no_next_hop}) and the peer
 * retransmits a second later: a directly attached NAT client whose MAC the director has not
 * learnt yet would lose its first SYN-ACK.
 *
 * <p>Only for packets whose IP destination is the next hop's target (NAT both ways, the outer
 * header of TUN); a DR frame keeps the VIP as its destination and cannot be routed by it.
 * Owned by one worker thread; {@link #send} allocates nothing and never blocks.
 */
public interface IpOutput {
    /** No kernel output: unresolved next hops are dropped. */
    IpOutput NONE = (segment, offset, lengthBytes, destination) -> false;

    /**
     * Hands the IPv4 packet at {@code offset} (its IP header, no link-layer header) to the kernel.
     *
     * @param destination the packet's destination address, host byte order
     * @return whether the kernel took it
     */
    boolean send(MemorySegment segment, long offset, int lengthBytes, int destination);
}
