package io.jlvs.dataplane.pipeline;

import io.jlvs.core.packet.PacketParser;

/**
 * What a worker does with an ARP frame (answering for VIPs the kernel does not own, learning
 * neighbours). The default ignores it: the kernel sees the same frame and answers for its
 * own addresses. Called per frame by the worker: implementations allocate nothing.
 */
@FunctionalInterface
public interface ArpHandler {
    /** Ignores every ARP frame. */
    ArpHandler IGNORE = (port, frame, sink) -> false;

    /**
     * Handles the ARP packet last parsed by {@code frame}, which came in on {@code port}.
     *
     * @param sink the sink of that port, for an answer
     * @return whether an answer was sent
     */
    boolean onArp(int port, PacketParser frame, FrameSink sink);
}
