package io.jlvs.dataplane.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@code NETLINK_ROUTE} socket ({@code AF_NETLINK}, {@code SOCK_RAW}), in this process's
 * network namespace or in a named one ({@code /run/netns/NAME}, as {@code ip netns} makes them),
 * where {@link NetNamespace} creates it.
 *
 * <p>Bound with multicast {@code groups} it also receives the kernel's change notifications
 * ({@code RTMGRP_*}). Control path only: methods allocate nothing per call beyond what the caller
 * passes, but block; one thread at a time.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** {@code AF_NETLINK}. */
    public static final int AF_NETLINK = 16;
    /** {@code NETLINK_ROUTE}. */
    public static final int NETLINK_ROUTE = 0;
    /** Link changes ({@code RTMGRP_LINK}). */
    public static final int RTMGRP_LINK = 0x1;
    /** Neighbour changes ({@code RTMGRP_NEIGH}). */
    public static final int RTMGRP_NEIGH = 0x4;
    /** IPv4 address changes ({@code RTMGRP_IPV4_IFADDR}). */
    public static final int RTMGRP_IPV4_IFADDR = 0x10;
    /** IPv4 route changes ({@code RTMGRP_IPV4_ROUTE}). */
    public static final int RTMGRP_IPV4_ROUTE = 0x40;

    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SOCKADDR_NL_BYTES = 12;

    private final int fd;
    private final MemorySegment pollFd;
    private volatile boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
        this.pollFd = Arena.ofAuto().allocate(LibC.POLLFD);
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, LibC.POLLFD_EVENTS_OFFSET, LibC.POLLIN);
    }

    /**
     * Opens a socket bound to {@code groups} (0: requests only) in network namespace
     * {@code namespace} (null: this process's own), with a receive buffer of at least
     * {@code receiveBufferBytes} (0: the kernel's default).
     *
     * @throws NativeException naming the call that failed and its errno; for a namespace that
     *         does not exist, {@code open(/run/netns/NAME)} and {@code ENOENT}
     */
    public static NetlinkSocket open(String namespace, int groups, int receiveBufferBytes) throws NativeException {
        int fd = namespace == null ? createSocket() : NetNamespace.call(namespace, NetlinkSocket::createSocket);
        try (Arena local = Arena.ofConfined()) {
            if (receiveBufferBytes > 0) {
                MemorySegment size = local.allocateFrom(JAVA_INT, receiveBufferBytes);
                int r = LibC.setsockopt(fd, LibC.SOL_SOCKET, SO_RCVBUFFORCE, size);
                if (r < 0) {
                    LibC.close(fd);
                    throw new NativeException("setsockopt(SO_RCVBUFFORCE)", -r);
                }
            }
            MemorySegment address = local.allocate(SOCKADDR_NL_BYTES);
            address.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            address.set(JAVA_INT, 8, groups);
            int r = LibC.bind(fd, address);
            if (r < 0) {
                LibC.close(fd);
                throw new NativeException("bind(AF_NETLINK, groups 0x" + Integer.toHexString(groups) + ")", -r);
            }
        }
        return new NetlinkSocket(fd);
    }

    private static int createSocket() throws NativeException {
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new NativeException("socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)", -fd);
        }
        return fd;
    }

    /** Sends {@code lengthBytes} of {@code message}; returns 0 or {@code -errno}. */
    public int send(MemorySegment message, long lengthBytes) {
        long r = LibC.send(fd, message, lengthBytes, 0);
        return r < 0 ? (int) r : 0;
    }

    /**
     * Waits up to {@code timeoutMs} (negative: for ever) for data, then receives one datagram
     * into {@code buffer}.
     *
     * @return the datagram's length; 0 when nothing came in time; {@code -errno} on failure
     *         ({@code -ENOBUFS}: the kernel dropped notifications because the buffer was full)
     */
    public long receive(MemorySegment buffer, int timeoutMs) {
        if (closed) {
            return -Errno.EBADF;
        }
        int ready = LibC.poll(pollFd, 1, timeoutMs);
        if (ready == 0) {
            return 0;
        }
        if (ready < 0) {
            return ready == -Errno.EINTR ? 0 : ready;
        }
        return LibC.recv(fd, buffer, buffer.byteSize(), LibC.MSG_DONTWAIT);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
