package io.jlvs.dataplane.io;

import io.jlvs.dataplane.pipeline.IpOutput;
import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link IpOutput} through a raw IPv4 socket ({@code socket(AF_INET, SOCK_RAW, IPPROTO_RAW)},
 * which implies {@code IP_HDRINCL}): the packet goes out exactly as written, through the
 * kernel's routing and neighbour code, in the network namespace the socket was opened in.
 * The packet is copied into a buffer of the socket's own first, so the frame it came from may be
 * reused at once. Non-blocking: a full socket buffer refuses the packet.
 *
 * <p>One per worker; not thread-safe. {@link #send} allocates nothing.
 */
public final class RawIpOutput implements IpOutput, AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int IPPROTO_RAW = 255;
    private static final int SOCKADDR_IN_BYTES = 16;
    /** The largest IPv4 packet. */
    private static final int MAX_PACKET_BYTES = 65_535;
    private static final ValueLayout.OfInt ADDRESS = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment packet = arena.allocate(MAX_PACKET_BYTES, 8);
    private final MemorySegment address = arena.allocate(SOCKADDR_IN_BYTES, 8);
    private final int fd;
    private boolean closed;

    private RawIpOutput(int fd) {
        this.fd = fd;
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
    }

    /**
     * Opens the socket in the calling thread's network namespace.
     *
     * @throws NativeException when the kernel refuses (e.g. without CAP_NET_RAW)
     */
    public static RawIpOutput open() throws NativeException {
        int fd = LibC.socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
        if (fd < 0) {
            throw new NativeException("socket(AF_INET, SOCK_RAW, IPPROTO_RAW)", -fd);
        }
        return new RawIpOutput(fd);
    }

    @Override
    public boolean send(MemorySegment segment, long offset, int lengthBytes, int destination) {
        if (lengthBytes <= 0 || lengthBytes > MAX_PACKET_BYTES) {
            return false;
        }
        MemorySegment.copy(segment, offset, packet, 0, lengthBytes);
        address.set(ADDRESS, 4, destination);
        // A refusal is the caller's to count (the pipeline's no_next_hop).
        return LibC.sendto(fd, packet, lengthBytes, LibC.MSG_DONTWAIT, address) >= 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
            arena.close();
        }
    }
}
