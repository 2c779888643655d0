package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.PacketParser;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One worker's worth of rewriters around a ring-like slot with headroom: loads a frame,
 * parses it, runs a rewriter and hands back the frame or reply to send.
 */
final class Env {
    static final int HEADROOM = 64;
    static final int REPLY_ID = 0x0777;
    static final int TUNNEL_ID = 0x1234;
    private static final int SLOT = 4096;

    final ForwardingCounters counters = new ForwardingCounters();
    final IcmpErrorWriter icmpErrors = new IcmpErrorWriter(REPLY_ID);
    final DirectRouteRewriter dr = new DirectRouteRewriter(counters, icmpErrors);
    final NatRewriter nat = new NatRewriter(counters, icmpErrors);
    final TunnelRewriter tunnel = new TunnelRewriter(counters, icmpErrors, TUNNEL_ID);
    final PacketParser parser = new PacketParser();
    final MemorySegment slot = MemorySegment.ofArray(new byte[HEADROOM + SLOT]);
    final ReplyBuffer reply = new ReplyBuffer().wrap(MemorySegment.ofArray(new byte[SLOT]), 0, SLOT)
            .from(Frames.DIRECTOR_MAC, Frames.DIRECTOR_CLIENT_SIDE);
    final FragmentBuffer fragments = new FragmentBuffer(4).wrap(MemorySegment.ofArray(new byte[4 * SLOT]), 0, SLOT);
    private Ipv4Rewriter last;
    private int loadedLength;

    /** Lets every rewriter fragment into {@link #fragments}. */
    Env withFragments() {
        dr.fragmentInto(fragments);
        nat.fragmentInto(fragments);
        tunnel.fragmentInto(fragments);
        return this;
    }

    /** Copies {@code frame} into the slot after the headroom and parses it. */
    void load(byte[] frame) {
        MemorySegment.copy(frame, 0, slot, ValueLayout.JAVA_BYTE, HEADROOM, frame.length);
        loadedLength = frame.length;
        parser.parse(slot, HEADROOM, frame.length);
    }

    ForwardVerdict dr(int mtu) {
        last = dr;
        return dr.rewrite(parser, Frames.DIRECTOR_MAC, Frames.RS_MAC, mtu, reply);
    }

    ForwardVerdict natIn(int address, int port) {
        return natIn(address, port, Frames.MTU);
    }

    ForwardVerdict natIn(int address, int port, int mtu) {
        last = nat;
        return nat.inbound(parser, address, port, Frames.DIRECTOR_MAC, Frames.RS_MAC, mtu, reply);
    }

    ForwardVerdict natOut(int address, int port) {
        last = nat;
        return nat.outbound(parser, address, port, Frames.DIRECTOR_MAC, Frames.ROUTER_MAC, Frames.MTU, reply);
    }

    ForwardVerdict tunnel(int mtu, int headroom) {
        last = tunnel;
        return tunnel.rewrite(parser, headroom, Frames.DIRECTOR, Frames.TUNNEL_RIP, Frames.DIRECTOR_MAC,
                Frames.TUNNEL_HOP_MAC, mtu, reply);
    }

    Ipv4Rewriter last() {
        return last;
    }

    /** The frame to send after FORWARD. */
    byte[] output() {
        return slot.asSlice(last.frameOffset(), last.frameLengthBytes()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The frame as it now stands where it was loaded. */
    byte[] loaded() {
        return slot.asSlice(HEADROOM, loadedLength).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Fragment {@code index} after FRAGMENTED. */
    byte[] fragment(int index) {
        return fragments.segment().asSlice(fragments.frameOffset(index), fragments.frameLengthBytes(index))
                .toArray(ValueLayout.JAVA_BYTE);
    }

    /** The reply frame after REPLY. */
    byte[] replyFrame() {
        return reply.segment().asSlice(reply.offset(), reply.lengthBytes()).toArray(ValueLayout.JAVA_BYTE);
    }
}
