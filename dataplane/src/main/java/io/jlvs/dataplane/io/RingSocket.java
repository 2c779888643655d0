package io.jlvs.dataplane.io;

import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What both rings hold: a packet socket bound to one interface and its mapped ring memory, set
 * up together and released together, once. Owned by the ring's worker thread.
 */
final class RingSocket {
    /** Sets an open socket up (options, ring, mmap, bind) and returns the mapped ring. */
    @FunctionalInterface
    interface Setup {
        MemorySegment apply(int fd, Arena arena) throws NativeException;
    }

    final int fd;
    final int ifindex;
    /** Owns the mapping and the ring's scratch memory; closing it unmaps the ring. */
    final Arena arena;
    final MemorySegment ring;
    private boolean closed;

    private RingSocket(int fd, int ifindex, Arena arena, MemorySegment ring) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.arena = arena;
        this.ring = ring;
    }

    /**
     * Opens a packet socket for {@code protocol} (host byte order) and runs {@code setup} on it;
     * if any step fails, releases what was made and rethrows.
     */
    static RingSocket open(int protocol, int ifindex, Setup setup) throws NativeException {
        int fd = AfPacket.openSocket(protocol);
        Arena arena = Arena.ofShared();
        try {
            return new RingSocket(fd, ifindex, arena, setup.apply(fd, arena));
        } catch (NativeException | RuntimeException e) {
            arena.close();
            LibC.close(fd);
            throw e;
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Unmaps the ring and closes the socket; later calls do nothing. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        LibC.close(fd);
    }
}
