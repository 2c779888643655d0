package io.jlvs.dataplane.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The AF_PACKET socket ABI ({@code linux/if_packet.h}) and its control-path calls, each wrapped
 * once: a failure throws {@link NativeException} naming the call and the errno.
 *
 * <p>Struct layouts, as the kernel defines them (offsets in bytes):
 * <pre>
 * sockaddr_ll (20)      0 family u16 | 2 protocol be16 | 4 ifindex i32 | 8 hatype u16
 *                       10 pkttype u8 | 11 halen u8 | 12 addr u8[8]
 * tpacket_req (16)      block_size, block_nr, frame_size, frame_nr (u32 each)
 * tpacket_req3 (28)     tpacket_req + retire_blk_tov, sizeof_priv, feature_req_word
 * block descriptor (48) 0 version | 4 offset_to_priv | 8 block_status | 12 num_pkts
 *                       16 offset_to_first_pkt | 20 blk_len | 24 seq_num u64 | 32, 40 timestamps
 * tpacket3_hdr (48)     0 next_offset | 4 sec | 8 nsec | 12 snaplen | 16 len | 20 status
 *                       24 mac u16 | 26 net u16 | 28 rxhash | 32 vlan_tci | 36 vlan_tpid u16
 * tpacket2_hdr (32)     0 status | 4 len | 8 snaplen | 12 mac u16 | 14 net u16 | 16 sec | 20 nsec
 *                       24 vlan_tci u16 | 26 vlan_tpid u16; TX data starts at +32
 * tpacket_stats_v3 (12) tp_packets (includes drops), tp_drops, tp_freeze_q_cnt
 * </pre>
 */
public final class AfPacket {
    /** Address family of packet sockets. */
    public static final int AF_PACKET = 17;
    /** Socket type whose frames include the link-layer header. */
    public static final int SOCK_RAW = 3;
    /** {@code socket()} type flag: close on exec. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** Every protocol (host byte order; pass through {@link #htons}). */
    public static final int ETH_P_ALL = 0x0003;
    /** Option level of the packet options. */
    public static final int SOL_PACKET = 263;

    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_TX_RING = 13;
    public static final int PACKET_LOSS = 14;
    public static final int PACKET_FANOUT = 18;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    /** Fanout mode: by flow hash, so both directions of a flow stay on one socket. */
    public static final int PACKET_FANOUT_HASH = 0;
    /** Ring version with a status word per frame; both rings use it. */
    public static final int TPACKET_V2 = 1;

    /** RX frame owned by the kernel. */
    public static final int TP_STATUS_KERNEL = 0;
    /** RX frame handed to user space. */
    public static final int TP_STATUS_USER = 1;
    /** RX: frame was truncated to the ring's frame size. */
    public static final int TP_STATUS_COPY = 1 << 1;
    /** RX: the kernel dropped frames since the last one (ring was full). */
    public static final int TP_STATUS_LOSING = 1 << 2;
    /** RX: checksum is partial (offloaded); it must be completed before the frame leaves. */
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    /** RX: the VLAN tag fields are valid. */
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    /** RX: the checksum was already verified (by hardware or the stack). */
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;
    /** TX slot free for user space. */
    public static final int TP_STATUS_AVAILABLE = 0;
    /** TX slot filled, waiting for {@code send()}. */
    public static final int TP_STATUS_SEND_REQUEST = 1;
    /** TX slot being sent by the kernel. */
    public static final int TP_STATUS_SENDING = 1 << 1;
    /** TX slot refused by the kernel (bad length). */
    public static final int TP_STATUS_WRONG_FORMAT = 1 << 2;

    /** {@code TPACKET_ALIGNMENT}: frames and frame sizes are multiples of 16 bytes. */
    public static final int TPACKET_ALIGNMENT = 16;

    public static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            JAVA_SHORT.withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));

    public static final StructLayout TPACKET_REQ = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_block_size"),
            JAVA_INT.withName("tp_block_nr"),
            JAVA_INT.withName("tp_frame_size"),
            JAVA_INT.withName("tp_frame_nr"));




    public static final StructLayout TPACKET2_HDR = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_status"),
            JAVA_INT.withName("tp_len"),
            JAVA_INT.withName("tp_snaplen"),
            JAVA_SHORT.withName("tp_mac"),
            JAVA_SHORT.withName("tp_net"),
            JAVA_INT.withName("tp_sec"),
            JAVA_INT.withName("tp_nsec"),
            JAVA_SHORT.withName("tp_vlan_tci"),
            JAVA_SHORT.withName("tp_vlan_tpid"),
            MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("tp_padding"));

    /** {@code tpacket_stats}, what {@code PACKET_STATISTICS} returns for a TPACKET_V2 socket (and resets). */
    public static final StructLayout TPACKET_STATS = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_packets"),
            JAVA_INT.withName("tp_drops"));

    public static final long STATS_PACKETS_OFFSET = offset(TPACKET_STATS, "tp_packets");
    public static final long STATS_DROPS_OFFSET = offset(TPACKET_STATS, "tp_drops");
    public static final long TP2_STATUS_OFFSET = offset(TPACKET2_HDR, "tp_status");
    public static final long TP2_LEN_OFFSET = offset(TPACKET2_HDR, "tp_len");
    public static final long TP2_SNAPLEN_OFFSET = offset(TPACKET2_HDR, "tp_snaplen");
    public static final long TP2_MAC_OFFSET = offset(TPACKET2_HDR, "tp_mac");
    /** {@code TPACKET2_HDRLEN}: the 16-byte-aligned {@code tpacket2_hdr} plus a {@code sockaddr_ll}. */
    public static final long TPACKET2_HDRLEN =
            align(TPACKET2_HDR.byteSize(), TPACKET_ALIGNMENT) + SOCKADDR_LL.byteSize();
    /** Where a TX frame's data starts in a TPACKET_V2 slot: {@code TPACKET2_HDRLEN - sizeof(sockaddr_ll)}. */
    public static final long TP2_TX_DATA_OFFSET = TPACKET2_HDRLEN - SOCKADDR_LL.byteSize();

    private static final long SIOCGIFMTU = 0x8921;
    private static final long SIOCGIFHWADDR = 0x8927;
    private static final int IFNAMSIZ = 16;
    private static final long IFREQ_BYTES = 40;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;

    private AfPacket() {
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    private static long align(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    /** Swaps the two bytes of a 16-bit value (host to network order on little-endian x86_64). */
    public static short htons(int hostOrder) {
        return Short.reverseBytes((short) hostOrder);
    }

    /** Whether packet sockets can be opened here (needs CAP_NET_RAW); probed once. */
    public static boolean isAvailable() {
        return Probe.CAUSE == null;
    }

    /** Why packet sockets cannot be opened, or {@code null} when they can. */
    public static Throwable unavailabilityCause() {
        return Probe.CAUSE;
    }

    /** Throws the reason packet sockets cannot be opened, if there is one. */
    public static void ensureAvailability() {
        if (Probe.CAUSE != null) {
            throw new UnsupportedOperationException("AF_PACKET sockets are not available: " + Probe.CAUSE.getMessage(),
                    Probe.CAUSE);
        }
    }

    /** Holds the one-time probe result. */
    private static final class Probe {
        static final Throwable CAUSE = probe();

        private static Throwable probe() {
            try {
                int fd = openSocket(ETH_P_ALL);
                close(fd);
                return null;
            } catch (NativeException | RuntimeException | LinkageError e) {
                return e;
            }
        }
    }

    /** Opens a raw packet socket for {@code protocol} (host byte order; 0 receives nothing). */
    public static int openSocket(int protocol) throws NativeException {
        int fd = LibC.socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(protocol));
        if (fd < 0) {
            throw new NativeException("socket(AF_PACKET, SOCK_RAW, " + protocolName(protocol) + ")", -fd);
        }
        return fd;
    }

    private static String protocolName(int protocol) {
        return protocol == ETH_P_ALL ? "ETH_P_ALL" : String.format("0x%04x", protocol);
    }

    /** Binds {@code fd} to interface {@code ifindex} for {@code protocol} (host byte order). */
    public static void bind(int fd, int ifindex, int protocol) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_LL);
            addr.set(JAVA_SHORT, offset(SOCKADDR_LL, "sll_family"), (short) AF_PACKET);
            addr.set(JAVA_SHORT, offset(SOCKADDR_LL, "sll_protocol"), htons(protocol));
            addr.set(JAVA_INT, offset(SOCKADDR_LL, "sll_ifindex"), ifindex);
            int r = LibC.bind(fd, addr);
            if (r < 0) {
                throw new NativeException("bind(ifindex " + ifindex + ")", -r);
            }
        }
    }

    /** {@code setsockopt(fd, SOL_PACKET, option, &value)}; {@code name} names the option in errors. */
    public static void setOption(int fd, int option, int value, String name) throws NativeException {
        setOption(fd, SOL_PACKET, option, value, name);
    }

    /** {@code setsockopt(fd, level, option, &value)} with an int value. */
    public static void setOption(int fd, int level, int option, int value, String name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            int r = LibC.setsockopt(fd, level, option, v);
            if (r < 0) {
                throw new NativeException("setsockopt(" + name + ")", -r);
            }
        }
    }

    /** {@code setsockopt} option of {@code SOL_SOCKET}: attach a classic BPF filter ({@code struct sock_fprog}). */
    public static final int SO_ATTACH_FILTER = 26;

    /**
     * Attaches the classic BPF program {@code program} ({@code instructions} x 8 bytes of
     * {@code struct sock_filter}) to the socket: the kernel then keeps for it only the frames the
     * program accepts.
     */
    public static void attachFilter(int fd, MemorySegment program, int instructions) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fprog = arena.allocate(16, 8);
            fprog.set(JAVA_SHORT, 0, (short) instructions);
            fprog.set(ValueLayout.ADDRESS, 8, program);
            int r = LibC.setsockopt(fd, LibC.SOL_SOCKET, SO_ATTACH_FILTER, fprog);
            if (r < 0) {
                throw new NativeException("setsockopt(SO_ATTACH_FILTER, " + instructions + " instructions)", -r);
            }
        }
    }

    /** Sets up a TPACKET_V2 receive ring ({@code PACKET_RX_RING} with {@code tpacket_req}). */
    public static void setRxRingV2(int fd, int blockSizeBytes, int blockCount, int frameSizeBytes)
            throws NativeException {
        setRing(fd, PACKET_RX_RING, "PACKET_RX_RING", TPACKET_REQ, blockSizeBytes, blockCount, frameSizeBytes,
                blockSizeBytes / frameSizeBytes * blockCount);
    }

    /** Sets up a TPACKET_V2 transmit ring ({@code PACKET_TX_RING} with {@code tpacket_req}). */
    public static void setTxRingV2(int fd, int blockSizeBytes, int blockCount, int frameSizeBytes)
            throws NativeException {
        setRing(fd, PACKET_TX_RING, "PACKET_TX_RING", TPACKET_REQ, blockSizeBytes, blockCount, frameSizeBytes,
                blockSizeBytes / frameSizeBytes * blockCount);
    }

    /** Fills {@code request} (a struct of u32 fields, in order) with {@code fields} and sets {@code option}. */
    private static void setRing(int fd, int option, String name, StructLayout request, int... fields)
            throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = arena.allocate(request);
            for (int i = 0; i < fields.length; i++) {
                req.setAtIndex(JAVA_INT, i, fields[i]);
            }
            int r = LibC.setsockopt(fd, SOL_PACKET, option, req);
            if (r < 0) {
                throw new NativeException("setsockopt(" + name + ")", -r);
            }
        }
    }

    /** Joins fanout group {@code groupId} (0..65535) in {@code PACKET_FANOUT_HASH} mode; after bind. */
    public static void joinFanoutHash(int fd, int groupId) throws NativeException {
        if (groupId < 0 || groupId > 0xFFFF) {
            throw new IllegalArgumentException("fanout group id must be 0..65535, was " + groupId);
        }
        setOption(fd, PACKET_FANOUT, groupId | (PACKET_FANOUT_HASH << 16), "PACKET_FANOUT");
    }

    /**
     * Maps the socket's rings ({@code mmap(MAP_SHARED)}); the segment is valid until {@code arena}
     * closes, which unmaps it. Accessing it afterwards throws instead of touching unmapped memory.
     */
    public static MemorySegment mapRing(int fd, long lengthBytes, Arena arena) throws NativeException {
        long address = LibC.mmap(lengthBytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        if (address < 0) {
            throw new NativeException("mmap(" + lengthBytes + " bytes)", (int) -address);
        }
        return LibC.segment(address, lengthBytes, arena, segment -> LibC.munmap(segment, segment.byteSize()));
    }

    /** Closes {@code fd}. */
    public static void close(int fd) throws NativeException {
        int r = LibC.close(fd);
        if (r < 0) {
            throw new NativeException("close(" + fd + ")", -r);
        }
    }

    /** The index of interface {@code name} ({@code if_nametoindex}). */
    public static int interfaceIndex(String name) throws NativeException {
        checkInterfaceName(name);
        try (Arena arena = Arena.ofConfined()) {
            int r = LibC.ifNameToIndex(arena.allocateFrom(name, StandardCharsets.US_ASCII));
            if (r < 0) {
                throw new NativeException("if_nametoindex(" + name + ")", -r);
            }
            return r;
        }
    }

    /** The MAC address of interface {@code name} (6 bytes, wire order), by {@code SIOCGIFHWADDR}. */
    public static byte[] hardwareAddress(String name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = interfaceRequest(name, SIOCGIFHWADDR, "SIOCGIFHWADDR", arena);
            byte[] mac = new byte[6];
            MemorySegment.copy(ifreq, JAVA_BYTE, IFNAMSIZ + 2, mac, 0, 6);
            return mac;
        }
    }

    /** The MTU of interface {@code name} in bytes, by {@code SIOCGIFMTU}. */
    public static int mtu(String name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            return interfaceRequest(name, SIOCGIFMTU, "SIOCGIFMTU", arena).get(JAVA_INT, IFNAMSIZ);
        }
    }

    private static MemorySegment interfaceRequest(String name, long request, String requestName, Arena arena)
            throws NativeException {
        checkInterfaceName(name);
        MemorySegment ifreq = arena.allocate(IFREQ_BYTES, 8);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, ifreq, JAVA_BYTE, 0, bytes.length);
        int fd = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeException("socket(AF_INET, SOCK_DGRAM, 0)", -fd);
        }
        try {
            int r = LibC.ioctl(fd, request, ifreq);
            if (r < 0) {
                throw new NativeException("ioctl(" + name + ", " + requestName + ")", -r);
            }
            return ifreq;
        } finally {
            LibC.close(fd);
        }
    }

    private static void checkInterfaceName(String name) {
        if (name.isEmpty() || name.length() >= IFNAMSIZ || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("interface name must be 1.." + (IFNAMSIZ - 1)
                    + " ASCII characters, was '" + name + "'");
        }
    }
}
