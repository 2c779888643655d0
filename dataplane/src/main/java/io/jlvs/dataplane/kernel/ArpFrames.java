package io.jlvs.dataplane.kernel;

import io.jlvs.core.packet.ArpFlyweight;
import io.jlvs.core.packet.EthernetFlyweight;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes ARP frames (Ethernet + RFC 826 ARP for IPv4) into caller-provided memory: requests
 * (so a worker can ask for a missing MAC itself), replies and gratuitous announcements.
 *
 * <p>A frame is 42 bytes untagged, 46 with an 802.1Q tag; the sender NIC pads it to Ethernet's
 * 60-byte minimum. A gratuitous ARP is written as an RFC 5227 announcement: a broadcast request
 * whose sender and target address are both the announced one and whose target MAC is zero, the
 * form Linux {@code arping -U} sends and every stack updates its cache from.
 *
 * <p>One instance per thread (it holds scratch flyweights); the write methods do not allocate.
 * MACs are the low 48 bits of a {@code long}, IPv4 addresses host-order {@code int}s.
 */
public final class ArpFrames {
    /** Length of an untagged ARP frame. */
    public static final int FRAME_LENGTH = EthernetFlyweight.HEADER_LENGTH + ArpFlyweight.LENGTH;
    /** Length of an ARP frame with one 802.1Q tag. */
    public static final int TAGGED_FRAME_LENGTH = EthernetFlyweight.VLAN_HEADER_LENGTH + ArpFlyweight.LENGTH;
    /** Pass as {@code vlanTci} for an untagged frame. */
    public static final int NO_VLAN = -1;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();

    /**
     * Writes "who has {@code targetAddress}? tell {@code senderAddress}" from {@code senderMac}
     * to broadcast, untagged, at {@code offset}.
     *
     * @return the frame length, {@link #FRAME_LENGTH}
     */
    public int writeRequest(MemorySegment out, long offset, long senderMac, int senderAddress, int targetAddress) {
        return write(out, offset, Mac.BROADCAST, NO_VLAN, ArpFlyweight.OP_REQUEST,
                senderMac, senderAddress, 0L, targetAddress);
    }

    /**
     * Writes a gratuitous ARP announcing that {@code address} is at {@code mac}, untagged.
     *
     * @return the frame length, {@link #FRAME_LENGTH}
     */
    public int writeGratuitous(MemorySegment out, long offset, long mac, int address) {
        return write(out, offset, Mac.BROADCAST, NO_VLAN, ArpFlyweight.OP_REQUEST, mac, address, 0L, address);
    }

    /**
     * Writes an ARP frame with every field given.
     *
     * @param destinationMac the Ethernet destination
     * @param vlanTci        the 802.1Q tag control information to tag the frame with, or
     *                       {@link #NO_VLAN}
     * @param operation      {@link ArpFlyweight#OP_REQUEST} or {@link ArpFlyweight#OP_REPLY}
     * @return the frame length: {@link #FRAME_LENGTH} or {@link #TAGGED_FRAME_LENGTH}
     */
    public int write(MemorySegment out, long offset, long destinationMac, int vlanTci, int operation,
            long senderMac, int senderAddress, long targetMac, int targetAddress) {
        int header = EthernetFlyweight.HEADER_LENGTH;
        if (vlanTci != NO_VLAN) {
            out.set(U16, offset + 12, (short) EthernetFlyweight.TPID_8021Q);
            out.set(U16, offset + 14, (short) vlanTci);
            header = EthernetFlyweight.VLAN_HEADER_LENGTH;
        }
        out.set(U16, offset + header - 2, (short) EthernetFlyweight.ETHERTYPE_ARP);
        ethernet.wrap(out, offset, header);
        ethernet.destination(destinationMac);
        ethernet.source(senderMac);
        long at = offset + header;
        out.set(U16, at, (short) ArpFlyweight.HTYPE_ETHERNET);
        out.set(U16, at + 2, (short) EthernetFlyweight.ETHERTYPE_IPV4);
        out.set(ValueLayout.JAVA_BYTE, at + 4, (byte) 6);
        out.set(ValueLayout.JAVA_BYTE, at + 5, (byte) 4);
        arp.wrap(out, at, ArpFlyweight.LENGTH);
        arp.operation(operation);
        arp.senderHardwareAddress(senderMac);
        arp.senderProtocolAddress(senderAddress);
        arp.targetHardwareAddress(targetMac);
        arp.targetProtocolAddress(targetAddress);
        return header + ArpFlyweight.LENGTH;
    }
}
