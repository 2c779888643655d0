package io.jlvs.dataplane.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/** Checks the struct layouts against the offsets measured with C on the uapi headers (FEASIBILITY.md §2, §3). */
class AfPacketLayoutTest {
    private static long at(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    @Test
    void sockaddrLlIs20Bytes() {
        assertEquals(20, AfPacket.SOCKADDR_LL.byteSize());
        assertEquals(2, at(AfPacket.SOCKADDR_LL, "sll_protocol"));
        assertEquals(4, at(AfPacket.SOCKADDR_LL, "sll_ifindex"));
        assertEquals(8, at(AfPacket.SOCKADDR_LL, "sll_hatype"));
        assertEquals(10, at(AfPacket.SOCKADDR_LL, "sll_pkttype"));
        assertEquals(11, at(AfPacket.SOCKADDR_LL, "sll_halen"));
        assertEquals(12, at(AfPacket.SOCKADDR_LL, "sll_addr"));
    }

    @Test
    void ringRequestIs16Bytes() {
        assertEquals(16, AfPacket.TPACKET_REQ.byteSize());
    }

    @Test
    void tpacket2HeaderMatchesTheKernelAndTxDataStartsAt32() {
        assertEquals(32, AfPacket.TPACKET2_HDR.byteSize());
        assertEquals(0, AfPacket.TP2_STATUS_OFFSET);
        assertEquals(4, AfPacket.TP2_LEN_OFFSET);
        assertEquals(8, AfPacket.TP2_SNAPLEN_OFFSET);
        assertEquals(12, AfPacket.TP2_MAC_OFFSET);
        assertEquals(24, at(AfPacket.TPACKET2_HDR, "tp_vlan_tci"));
        assertEquals(52, AfPacket.TPACKET2_HDRLEN);
        assertEquals(32, AfPacket.TP2_TX_DATA_OFFSET);
    }

    @Test
    void statisticsAre8Bytes() {
        assertEquals(8, AfPacket.TPACKET_STATS.byteSize());
        assertEquals(4, AfPacket.STATS_DROPS_OFFSET);
    }

    @Test
    void constantsMatchIfPacketHeader() {
        assertEquals(23, AfPacket.PACKET_IGNORE_OUTGOING);
        assertEquals(20, AfPacket.PACKET_QDISC_BYPASS);
        assertEquals(18, AfPacket.PACKET_FANOUT);
        assertEquals(8, AfPacket.TP_STATUS_CSUMNOTREADY);
        assertEquals(128, AfPacket.TP_STATUS_CSUM_VALID);
        assertEquals(263, AfPacket.SOL_PACKET);
    }

    @Test
    void pollfdIs8BytesAsInPollH() {
        // struct pollfd { int fd; short events; short revents; } (asm-generic/poll.h)
        assertEquals(8, LibC.POLLFD.byteSize());
        assertEquals(4, LibC.POLLFD_EVENTS_OFFSET);
        assertEquals(6, LibC.POLLFD_REVENTS_OFFSET);
    }

    @Test
    void htonsSwapsBytes() {
        assertEquals((short) 0x0300, AfPacket.htons(AfPacket.ETH_P_ALL));
        assertEquals((short) 0xb588, AfPacket.htons(0x88b5));
    }
}
