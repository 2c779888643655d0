package io.jlvs.dataplane.decap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.jlvs.dataplane.io.FrameHandler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Strips the outer IPv4 header of IPIP frames (RFC 2003, IP protocol 4) addressed to this host
 * and hands the inner packet to a {@link PacketSink}, as the kernel's {@code tunl0} does.
 * <pre>
 * frame:  | Ethernet (14) | outer IPv4 (IHL*4), protocol 4, DIP -&gt; RIP | inner IPv4 packet ... |
 *                                                                     ^ written to the sink
 * </pre>
 * A frame is taken when it is Ethernet/IPv4, the outer header is a well-formed IPv4 header
 * (version 4, IHL &ge; 5, total length within the frame), its protocol is 4, it is not a
 * fragment, its destination is {@code localAddress} (0: any) and the inner packet starts with
 * version 4. Every other frame is counted by reason and left alone. The outer checksum is not
 * verified: the kernel's receive path already did for the frame the ring saw.
 *
 * <p>Runs on the ring's thread; does not allocate, lock or throw.
 */
public final class IpipDecapsulator implements FrameHandler {
    /** IP protocol number of IP-in-IP encapsulation. */
    public static final int IPPROTO_IPIP = 4;

    private static final int ETHERNET_HEADER_BYTES = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int IPV4_MIN_HEADER_BYTES = 20;
    private static final ValueLayout.OfShort SHORT_BE = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Where decapsulated packets go. */
    @FunctionalInterface
    public interface PacketSink {
        /**
         * Takes one inner IPv4 packet of {@code lengthBytes} at native address {@code address}.
         *
         * @return bytes taken, or a negative number when the packet was refused
         */
        long write(long address, long lengthBytes);
    }

    private final PacketSink sink;
    private final int localAddress;

    private long decapsulated;
    private long notIpip;
    private long notForUs;
    private long malformed;
    private long fragments;
    private long sinkErrors;

    /**
     * A decapsulator writing to {@code sink}.
     *
     * @param localAddress the outer destination to accept, IPv4 in host order (0: any)
     */
    public IpipDecapsulator(PacketSink sink, int localAddress) {
        this.sink = sink;
        this.localAddress = localAddress;
    }

    @Override
    public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
        if (lengthBytes < ETHERNET_HEADER_BYTES + IPV4_MIN_HEADER_BYTES
                || Short.toUnsignedInt(ring.get(SHORT_BE, offset + 12)) != ETHERTYPE_IPV4) {
            notIpip++;
            return;
        }
        long ip = offset + ETHERNET_HEADER_BYTES;
        int versionIhl = Byte.toUnsignedInt(ring.get(JAVA_BYTE, ip));
        if (Byte.toUnsignedInt(ring.get(JAVA_BYTE, ip + 9)) != IPPROTO_IPIP) {
            notIpip++;
            return;
        }
        int headerBytes = (versionIhl & 0x0F) * 4;
        int totalBytes = Short.toUnsignedInt(ring.get(SHORT_BE, ip + 2));
        int available = lengthBytes - ETHERNET_HEADER_BYTES;
        if ((versionIhl >>> 4) != 4 || headerBytes < IPV4_MIN_HEADER_BYTES || totalBytes > available
                || totalBytes < headerBytes + IPV4_MIN_HEADER_BYTES) {
            malformed++;
            return;
        }
        if (localAddress != 0 && ring.get(INT_BE, ip + 16) != localAddress) {
            notForUs++;
            return;
        }
        if ((Short.toUnsignedInt(ring.get(SHORT_BE, ip + 6)) & 0x3FFF) != 0) {
            fragments++;
            return;
        }
        long inner = ip + headerBytes;
        if ((Byte.toUnsignedInt(ring.get(JAVA_BYTE, inner)) >>> 4) != 4) {
            malformed++;
            return;
        }
        long innerBytes = totalBytes - headerBytes;
        if (sink.write(ring.address() + inner, innerBytes) == innerBytes) {
            decapsulated++;
        } else {
            sinkErrors++;
        }
    }

    /** Inner packets handed to the sink. */
    public long decapsulated() {
        return decapsulated;
    }

    /** Frames that were not IPv4 protocol 4 (the interface's other traffic). */
    public long notIpip() {
        return notIpip;
    }

    /** IPIP frames addressed to another host. */
    public long notForUs() {
        return notForUs;
    }

    /** IPIP frames with a bad outer header length or an inner packet that is not IPv4. */
    public long malformed() {
        return malformed;
    }

    /** Fragmented IPIP frames (not reassembled; dropped). */
    public long fragments() {
        return fragments;
    }

    /** Inner packets the sink refused. */
    public long sinkErrors() {
        return sinkErrors;
    }
}
