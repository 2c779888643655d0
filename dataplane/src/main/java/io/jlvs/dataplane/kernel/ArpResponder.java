package io.jlvs.dataplane.kernel;

import io.jlvs.core.packet.ArpFlyweight;
import io.jlvs.core.packet.EthernetFlyweight;
import java.lang.foreign.MemorySegment;
import org.agrona.collections.IntHashSet;

/**
 * Answers ARP requests for VIPs that jlvs owns on one interface but the kernel does not hold.
 * Where the VIP is configured the kernel answers, so leave such VIPs out: a VIP is configured
 * when {@link Routes#lookup} gives a {@link Route#isLocal() local} route for it.
 *
 * <p>A request gets a reply when it is IPv4 over Ethernet, is sent to broadcast or to our MAC
 * (a frame for another host, seen in promiscuous mode, is not ours to answer), asks for one of
 * the VIPs, and comes from a unicast, non-zero sender MAC. The reply goes to the requester's MAC, says "VIP is at
 * our MAC", and targets the requester's address, which is 0.0.0.0 for an RFC 5227 probe (as
 * Linux answers it). An announcement (sender address equal to the target) gets no reply. A
 * tagged request gets a reply with the same 802.1Q tag.
 *
 * <p>Built on the control side with the VIP set; {@link #reply} is called by one worker per
 * instance (it holds scratch flyweights), allocates nothing and never throws for a bad frame.
 */
public final class ArpResponder {
    /** What {@link #reply} returns when the frame needs no answer. */
    public static final int NO_REPLY = 0;

    private final long interfaceMac;
    private final IntHashSet vips;
    private final ArpFrames frames = new ArpFrames();

    /**
     * A responder for {@code vips} (host byte order) on an interface whose MAC is
     * {@code interfaceMac} (low 48 bits).
     */
    public ArpResponder(long interfaceMac, int... vips) {
        if (interfaceMac == 0 || Mac.isMulticast(interfaceMac)) {
            throw new IllegalArgumentException("interface MAC must be a unicast address, was "
                    + Mac.format(interfaceMac));
        }
        this.interfaceMac = interfaceMac;
        this.vips = new IntHashSet(Math.max(8, vips.length * 2));
        for (int vip : vips) {
            if (vip == 0) {
                throw new IllegalArgumentException("0.0.0.0 cannot be a VIP");
            }
            this.vips.add(vip);
        }
    }

    /** Whether {@code address} (host byte order) is one of the VIPs answered for. No allocation. */
    public boolean owns(int address) {
        return vips.contains(address);
    }

    /**
     * Writes the reply to the ARP request viewed by {@code ethernet} and {@code request} at
     * {@code out[offset]}, if it needs one.
     *
     * @param ethernet the received frame's Ethernet header (for its VLAN tag)
     * @param request  the ARP packet within it, wrapped with the bytes available
     * @return the reply's length ({@link ArpFrames#FRAME_LENGTH}, or
     *         {@link ArpFrames#TAGGED_FRAME_LENGTH} when tagged), or {@link #NO_REPLY}
     */
    public int reply(EthernetFlyweight ethernet, ArpFlyweight request, MemorySegment out, long offset) {
        if (request.length() < ArpFlyweight.LENGTH || !request.isEthernetIpv4()
                || request.operation() != ArpFlyweight.OP_REQUEST) {
            return NO_REPLY;
        }
        long destination = ethernet.destination();
        if (destination != Mac.BROADCAST && destination != interfaceMac) {
            return NO_REPLY;
        }
        int target = request.targetProtocolAddress();
        int sender = request.senderProtocolAddress();
        long requester = request.senderHardwareAddress();
        if (!vips.contains(target) || sender == target || requester == 0 || Mac.isMulticast(requester)) {
            return NO_REPLY;
        }
        int vlanTci = ethernet.hasVlan() ? ethernet.vlanTci() : ArpFrames.NO_VLAN;
        return frames.write(out, offset, requester, vlanTci, ArpFlyweight.OP_REPLY,
                interfaceMac, target, requester, sender);
    }

    /**
     * Writes a gratuitous ARP for {@code vip} from this interface's MAC, for start-up.
     *
     * @return the frame length, {@link ArpFrames#FRAME_LENGTH}
     */
    public int writeGratuitous(MemorySegment out, long offset, int vip) {
        return frames.writeGratuitous(out, offset, interfaceMac, vip);
    }
}
