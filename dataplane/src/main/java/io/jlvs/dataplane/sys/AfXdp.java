package io.jlvs.dataplane.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The AF_XDP socket ABI ({@code linux/if_xdp.h}) and its control-path calls, each wrapped once:
 * a failure throws {@link NativeException} naming the call and the errno.
 *
 * <p>Struct layouts, as the kernel defines them (offsets in bytes, host byte order):
 * <pre>
 * sockaddr_xdp (16)     0 family u16 | 2 flags u16 | 4 ifindex u32 | 8 queue_id u32
 *                       12 shared_umem_fd u32
 * xdp_umem_reg (32)     0 addr u64 | 8 len u64 | 16 chunk_size u32 | 20 headroom u32
 *                       24 flags u32 | 28 tx_metadata_len u32
 * xdp_ring_offset (32)  producer, consumer, desc, flags (u64 each: offsets into the ring's mapping)
 * xdp_mmap_offsets (128) rx, tx, fill, completion (one xdp_ring_offset each)
 * xdp_desc (16)         0 addr u64 (offset into the UMEM) | 8 len u32 | 12 options u32
 * xdp_statistics (48)   rx_dropped, rx_invalid_descs, tx_invalid_descs, rx_ring_full,
 *                       rx_fill_ring_empty_descs, tx_ring_empty_descs (u64 each); older
 *                       kernels return only the first three (24 bytes)
 * </pre>
 * The fill and completion rings hold u64 UMEM addresses; RX and TX hold {@code xdp_desc}.
 */
public final class AfXdp {
    /** Address family of XDP sockets. */
    public static final int AF_XDP = 44;
    /** Option level of the XDP options. */
    public static final int SOL_XDP = 283;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;

    public static final int XDP_MMAP_OFFSETS = 1;
    public static final int XDP_RX_RING = 2;
    public static final int XDP_TX_RING = 3;
    public static final int XDP_UMEM_REG = 4;
    public static final int XDP_UMEM_FILL_RING = 5;
    public static final int XDP_UMEM_COMPLETION_RING = 6;
    public static final int XDP_STATISTICS = 7;

    /** bind flag: copy frames between the driver and the UMEM (works on every device). */
    public static final int XDP_COPY = 1 << 1;
    /**
     * bind flag: share the UMEM of the socket named in {@code sxdp_shared_umem_fd}; on the same
     * interface and queue, its buffer pool (fill and completion rings) too. No other flag may go
     * with it.
     */
    public static final int XDP_SHARED_UMEM = 1;
    /** bind flag: the driver DMAs into the UMEM (needs driver support; not veth). */
    public static final int XDP_ZEROCOPY = 1 << 2;
    /** bind flag: the kernel says in each ring's flags word when it needs a system call to go on. */
    public static final int XDP_USE_NEED_WAKEUP = 1 << 3;
    /** Ring flag: wake the kernel ({@code sendto} for TX, {@code poll} for fill). */
    public static final int XDP_RING_NEED_WAKEUP = 1;

    /** mmap offset of the RX ring. */
    public static final long XDP_PGOFF_RX_RING = 0;
    /** mmap offset of the TX ring. */
    public static final long XDP_PGOFF_TX_RING = 0x80000000L;
    /** mmap offset of the fill ring. */
    public static final long XDP_UMEM_PGOFF_FILL_RING = 0x100000000L;
    /** mmap offset of the completion ring. */
    public static final long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000L;

    /** Headroom the kernel leaves before each received frame in its UMEM chunk. */
    public static final int XDP_PACKET_HEADROOM = 256;
    /** Bytes of an RX or TX descriptor. */
    public static final int DESC_BYTES = 16;
    /** Bytes of a fill or completion entry. */
    public static final int ADDR_BYTES = 8;
    /** Bytes of {@code struct xdp_statistics} in current kernels. */
    public static final int STATISTICS_BYTES = 48;

    /** Index of each ring in {@code xdp_mmap_offsets}. */
    public static final int RX = 0;
    public static final int TX = 1;
    public static final int FILL = 2;
    public static final int COMPLETION = 3;


    private AfXdp() {
    }

    /** Where one ring's producer, consumer, descriptors and flags lie in its mapping (bytes). */
    public record RingOffsets(long producer, long consumer, long desc, long flags) {
    }

    /** Opens an AF_XDP socket. */
    public static int openSocket() throws NativeException {
        int fd = LibC.socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeException("socket(AF_XDP, SOCK_RAW, 0)", -fd);
        }
        return fd;
    }

    /** Registers {@code umem} (page-aligned) as the socket's UMEM, cut into {@code chunkBytes} chunks. */
    public static void registerUmem(int fd, MemorySegment umem, int chunkBytes) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(32, 8);
            reg.set(JAVA_LONG, 0, umem.address());
            reg.set(JAVA_LONG, 8, umem.byteSize());
            reg.set(JAVA_INT, 16, chunkBytes);
            int r = LibC.setsockopt(fd, SOL_XDP, XDP_UMEM_REG, reg);
            if (r < 0) {
                throw new NativeException("setsockopt(XDP_UMEM_REG, " + umem.byteSize() + " bytes, chunk "
                        + chunkBytes + ")", -r);
            }
        }
    }

    /** Sets the size of one ring ({@code XDP_RX_RING}, {@code XDP_TX_RING}, {@code XDP_UMEM_FILL_RING}...); a power of two. */
    public static void setRingSize(int fd, int option, int entries, String name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            value.set(JAVA_INT, 0, entries);
            int r = LibC.setsockopt(fd, SOL_XDP, option, value);
            if (r < 0) {
                throw new NativeException("setsockopt(" + name + ", " + entries + ")", -r);
            }
        }
    }

    /** The four rings' offsets, in the order {@link #RX}, {@link #TX}, {@link #FILL}, {@link #COMPLETION}. */
    public static RingOffsets[] mmapOffsets(int fd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offsets = arena.allocate(128, 8);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 128);
            int r = LibC.getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, offsets, length);
            if (r < 0) {
                throw new NativeException("getsockopt(XDP_MMAP_OFFSETS)", -r);
            }
            if (length.get(JAVA_INT, 0) != 128) {
                throw new NativeException("getsockopt(XDP_MMAP_OFFSETS) returned " + length.get(JAVA_INT, 0)
                        + " bytes, not 128 (a kernel without ring flags)", Errno.EINVAL);
            }
            RingOffsets[] rings = new RingOffsets[4];
            for (int i = 0; i < 4; i++) {
                long base = i * 32L;
                rings[i] = new RingOffsets(offsets.get(JAVA_LONG, base), offsets.get(JAVA_LONG, base + 8),
                        offsets.get(JAVA_LONG, base + 16), offsets.get(JAVA_LONG, base + 24));
            }
            return rings;
        }
    }

    /** Maps one ring: {@code lengthBytes} at page offset {@code pgoff}; unmapped when {@code arena} closes. */
    public static MemorySegment mapRing(int fd, long lengthBytes, long pgoff, String name, Arena arena)
            throws NativeException {
        long address = LibC.mmap(lengthBytes, LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_SHARED | LibC.MAP_POPULATE, fd, pgoff);
        if (address < 0) {
            throw new NativeException("mmap(" + name + " ring, " + lengthBytes + " bytes)", (int) -address);
        }
        return LibC.segment(address, lengthBytes, arena, segment -> LibC.munmap(segment, segment.byteSize()));
    }

    /** Binds the socket to {@code queue} of {@code ifindex} with {@code flags} ({@link #XDP_COPY}...). */
    public static void bind(int fd, int ifindex, int queue, int flags) throws NativeException {
        bind(fd, ifindex, queue, flags, 0);
    }

    /**
     * Binds the socket to {@code queue} of {@code ifindex} sharing the UMEM and buffer pool of
     * {@code umemFd}, already bound to the same interface and queue ({@link #XDP_SHARED_UMEM}).
     */
    public static void bindShared(int fd, int ifindex, int queue, int umemFd) throws NativeException {
        bind(fd, ifindex, queue, XDP_SHARED_UMEM, umemFd);
    }

    private static void bind(int fd, int ifindex, int queue, int flags, int sharedUmemFd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(16, 4);
            addr.set(JAVA_SHORT, 0, (short) AF_XDP);
            addr.set(JAVA_SHORT, 2, (short) flags);
            addr.set(JAVA_INT, 4, ifindex);
            addr.set(JAVA_INT, 8, queue);
            addr.set(JAVA_INT, 12, sharedUmemFd);
            int r = LibC.bind(fd, addr);
            if (r < 0) {
                throw new NativeException("bind(AF_XDP, ifindex " + ifindex + ", queue " + queue + ", flags 0x"
                        + Integer.toHexString(flags) + ")", -r);
            }
        }
    }
}
