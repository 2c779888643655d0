package io.jlvs.dataplane.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.sys.AfPacket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A veth pair with both ends in the root namespace and IPv6 off (so the kernel sends nothing on
 * it), plus frame builders. Frames go to a made-up unicast MAC, so the receiving kernel treats
 * them as {@code PACKET_OTHERHOST} and drops them after the packet taps.
 */
final class VethLink implements AutoCloseable {
    /** A local experimental ethertype the kernel ignores. */
    static final int TEST_ETHERTYPE = 0x88b5;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int FRAME_BYTES = 60;
    static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final NetnsLab lab;
    final String a;
    final String b;

    private VethLink(NetnsLab lab, String a, String b) {
        this.lab = lab;
        this.a = a;
        this.b = b;
    }

    /** Skips unless namespaces and packet sockets are available, then builds the pair. */
    static VethLink create() {
        NetnsLab.assumeNetnsAvailable();
        assumeTrue(AfPacket.isAvailable(), () -> "skipped: AF_PACKET sockets unavailable: "
                + AfPacket.unavailabilityCause());
        NetnsLab lab = NetnsLab.create();
        try {
            String a = lab.linkName("a");
            String b = lab.linkName("b");
            lab.run(null, "ip", "link", "add", a, "type", "veth", "peer", "name", b);
            lab.adopt(a);
            lab.sysctl(null, "net.ipv6.conf." + a + ".disable_ipv6", "1");
            lab.sysctl(null, "net.ipv6.conf." + b + ".disable_ipv6", "1");
            lab.up(null, a);
            lab.up(null, b);
            return new VethLink(lab, a, b);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /**
     * A 60-byte frame of {@link #TEST_ETHERTYPE} from 02:00:00:00:00:01 to 02:00:00:00:00:02
     * carrying {@code sequence} (big-endian) right after the Ethernet header.
     */
    static MemorySegment testFrame(Arena arena, int sequence) {
        MemorySegment frame = arena.allocate(FRAME_BYTES);
        frame.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x02);
        frame.set(ValueLayout.JAVA_BYTE, 5, (byte) 0x02);
        frame.set(ValueLayout.JAVA_BYTE, 6, (byte) 0x02);
        frame.set(ValueLayout.JAVA_BYTE, 11, (byte) 0x01);
        frame.set(U16_BE, 12, (short) TEST_ETHERTYPE);
        frame.set(U32_BE, 14, sequence);
        return frame;
    }

    /**
     * A 60-byte IPv4/UDP frame 192.0.2.1:(10000 + flow) to 192.0.2.2:9 (RFC 5737 addresses) with a
     * valid header checksum; the flow shows in the UDP source port.
     */
    static MemorySegment udpFrame(Arena arena, int flow) {
        MemorySegment frame = testFrame(arena, 0);
        frame.set(U16_BE, 12, (short) ETHERTYPE_IPV4);
        frame.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x45);           // version 4, IHL 5
        frame.set(U16_BE, 16, (short) 46);                            // total length: 60 - 14
        frame.set(ValueLayout.JAVA_BYTE, 22, (byte) 64);              // TTL
        frame.set(ValueLayout.JAVA_BYTE, 23, (byte) 17);              // protocol UDP
        frame.set(U32_BE, 26, 0xC0000201);                            // 192.0.2.1
        frame.set(U32_BE, 30, 0xC0000202);                            // 192.0.2.2
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += Short.toUnsignedInt(frame.get(U16_BE, i));
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        frame.set(U16_BE, 24, (short) ~sum);                          // header checksum
        frame.set(U16_BE, 34, (short) (10000 + flow));                // source port
        frame.set(U16_BE, 36, (short) 9);                             // destination port
        frame.set(U16_BE, 38, (short) 26);                            // UDP length: 46 - 20
        return frame;
    }

    /**
     * The frame of {@link #udpFrame} as a TCP segment with {@code flags} (SYN 0x02, ACK 0x10...)
     * in a header of its own: what the new-flow filters and the XDP program read (neither checks
     * the IPv4 checksum, left as the UDP frame's).
     */
    static MemorySegment tcpFrame(Arena arena, int flow, int flags) {
        MemorySegment frame = udpFrame(arena, flow);
        frame.set(ValueLayout.JAVA_BYTE, 23, (byte) 6);                     // protocol TCP
        frame.set(ValueLayout.JAVA_BYTE, 34 + 13, (byte) flags);            // TCP flags
        return frame;
    }

    @Override
    public void close() {
        lab.close();
    }
}
