package io.jlvs.dataplane.kernel;

import io.jlvs.core.packet.PacketParser;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.Port;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One worker's {@link ArpHandler}: answers ARP requests for the VIPs jlvs owns that the kernel
 * does not hold, with one {@link ArpResponder} per data-plane interface. {@link #vips} (control
 * thread) swaps in new responders; {@link #onArp} (the worker) reads them through a volatile
 * reference, allocates nothing and takes no lock.
 */
public final class VipArpHandler implements ArpHandler {
    private final List<Port> ports;
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[ArpFrames.TAGGED_FRAME_LENGTH + 16]);
    private volatile ArpResponder[] responders = new ArpResponder[0];

    /** A handler for {@code ports}, answering for no VIP until {@link #vips} is called. */
    public VipArpHandler(List<Port> ports) {
        this.ports = List.copyOf(ports);
    }

    /** Control thread: answers for {@code vips} (host byte order) from now on; none when empty. */
    public void vips(int[] vips) {
        ArpResponder[] next = new ArpResponder[vips.length == 0 ? 0 : ports.size()];
        for (int p = 0; p < next.length; p++) {
            next[p] = new ArpResponder(ports.get(p).mac(), vips);
        }
        responders = next;
    }

    @Override
    public boolean onArp(int port, PacketParser frame, FrameSink sink) {
        ArpResponder[] r = responders;
        if (port < 0 || port >= r.length) {
            return false;
        }
        int length = r[port].reply(frame.ethernet(), frame.arp(), scratch, 0);
        return length != ArpResponder.NO_REPLY && sink.send(scratch, 0, length);
    }
}
