package io.jlvs.dataplane.pipeline;

import io.jlvs.core.conn.ConnResult;
import io.jlvs.dataplane.forward.TunnelRewriter;
import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.sys.AfPacket;

/**
 * What the pipeline knows about the frame it is handling, passed explicitly from step to step:
 * where it came from and how ({@link #begin}), the connection the tracker found, and the next
 * hop chosen before a rewrite ({@link #nextHop}). One per {@link Pipeline}, so one per worker,
 * reused for every frame: nothing is allocated per packet.
 */
final class PacketContext {
    /** The entry the tracker found or created for this frame. */
    final ConnResult conn = new ConnResult();

    private long nowMs;
    private int ingress;
    private boolean checksumPartial;
    private boolean checksumUnknown;
    private int headroomBytes;
    private long nextHopMac;
    private int egress;
    private boolean viaKernel;
    private int nextHopAddress;

    /** Starts a frame that came in on port {@code ingress} at {@code offset} of its memory, with ring status {@code tpStatus}. */
    void begin(int ingress, long offset, int tpStatus, long nowMs) {
        this.nowMs = nowMs;
        this.ingress = ingress;
        this.checksumPartial = (tpStatus & AfPacket.TP_STATUS_CSUMNOTREADY) != 0;
        this.checksumUnknown = (tpStatus & FrameHandler.STATUS_CHECKSUM_UNKNOWN) != 0;
        this.headroomBytes = (int) Math.min(offset, TunnelRewriter.OVERHEAD_BYTES);
        this.nextHopMac = 0;
        this.egress = ingress;
        this.viaKernel = false;
        this.nextHopAddress = 0;
    }

    /** The batch's clock, milliseconds. */
    long nowMs() {
        return nowMs;
    }

    /** The index of the port the frame came in on. */
    int ingress() {
        return ingress;
    }

    /** Whether the ring says the transport checksum is partial ({@code TP_STATUS_CSUMNOTREADY}). */
    boolean isChecksumPartial() {
        return checksumPartial;
    }

    /** Whether the source cannot tell whether the checksum is partial (it must be looked at). */
    boolean isChecksumUnknown() {
        return checksumUnknown;
    }

    /** Bytes in front of the frame that a TUN rewrite may grow into, at most its overhead. */
    int headroomBytes() {
        return headroomBytes;
    }

    /** Records the next hop of the rewrite: its MAC (low 48 bits) and the index of the port towards it. */
    void nextHop(long mac, int port) {
        this.nextHopMac = mac;
        this.egress = port;
    }

    /**
     * Records that the rewritten packet, addressed to {@code address} whose next hop has no known
     * MAC yet, goes to the kernel's IP output instead of a port.
     */
    void viaKernel(int address) {
        this.viaKernel = true;
        this.nextHopAddress = address;
    }

    /** Whether the rewritten packet goes to the kernel's IP output ({@link #viaKernel(int)}). */
    boolean isViaKernel() {
        return viaKernel;
    }

    /** The address the packet handed to the kernel is for. */
    int nextHopAddress() {
        return nextHopAddress;
    }

    /** The next hop's MAC, once {@link #nextHop} was called for this frame. */
    long nextHopMac() {
        return nextHopMac;
    }

    /** The index of the port the frame leaves by, once {@link #nextHop} was called (before: the ingress port). */
    int egress() {
        return egress;
    }
}
