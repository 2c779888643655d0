package io.jlvs.dataplane.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * Thin downcalls into libc. Every handle is built once and captures {@code errno}; each method
 * returns the call's result, or {@code -errno} when the call failed, and never throws. The
 * errno capture buffer is allocated once per thread. Callable from any thread.
 *
 * <p>Allocation: on JDK 25 a downcall that captures call state slices the capture segment on
 * every call (about 40 bytes) until C2 compiles the calling code, whose escape analysis then
 * removes it; so the per-batch calls ({@link #poll}, {@link #send}) allocate nothing only once
 * warm. Calls without captured state do not allocate even when interpreted.
 *
 * <p>This is the one class that calls the FFM API's restricted methods (linking, reinterpreting
 * native addresses); launchers grant it with {@code --enable-native-access}, so javac's
 * {@code restricted} lint is silenced here and nowhere else.
 */
@SuppressWarnings("restricted")
public final class LibC {
    /** {@code poll()} event: data to read. */
    public static final short POLLIN = 0x1;
    /** {@code poll()} event: error condition on the socket. */
    public static final short POLLERR = 0x8;
    /** {@code send()} flag: do not block. */
    public static final int MSG_DONTWAIT = 0x40;
    /** {@code SOL_SOCKET} option level. */
    public static final int SOL_SOCKET = 1;
    /** {@code getsockopt(SOL_SOCKET, SO_ERROR)}: read and clear the pending socket error. */
    public static final int SO_ERROR = 4;

    /** {@code struct pollfd}: fd, events, revents (8 bytes). */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents"));
    /** Offset of {@code events} in {@link #POLLFD}. */
    public static final long POLLFD_EVENTS_OFFSET = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    /** Offset of {@code revents} in {@link #POLLFD}. */
    public static final long POLLFD_REVENTS_OFFSET = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("revents"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle SOCKET = errnoHandle("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = errnoHandle("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = errnoHandle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = errnoHandle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MMAP = errnoHandle("mmap",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = errnoHandle("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MADVISE = errnoHandle("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle POLL = errnoHandle("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = errnoHandle("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SEND = errnoHandle("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO = errnoHandle("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = errnoHandle("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = errnoHandle("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = errnoHandle("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("ioctl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle GETPAGESIZE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("getpagesize"), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SIGACTION = errnoHandle("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("signal"), FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    /** Signal number of SIGHUP (hangup; "reload" for daemons). */
    public static final int SIGHUP = 1;
    /** {@code mmap} protection: readable. */
    public static final int PROT_READ = 1;
    /** {@code mmap} protection: writable. */
    public static final int PROT_WRITE = 2;
    /** {@code mmap} flag: shared with the kernel (a socket's rings). */
    public static final int MAP_SHARED = 0x01;
    /** {@code mmap} flag: private copy-on-write memory. */
    public static final int MAP_PRIVATE = 0x02;
    /** {@code mmap} flag: memory backed by no file. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** {@code mmap} flag: fault every page in now. */
    public static final int MAP_POPULATE = 0x8000;
    /** {@code madvise} advice: back the range with transparent huge pages where the kernel can. */
    public static final int MADV_HUGEPAGE = 14;
    /** {@code struct sigaction} on x86-64 and aarch64 Linux: the handler first, 152 bytes in all. */
    private static final long SIGACTION_BYTES = 152;
    /** {@code SIG_IGN} as a handler address. */
    private static final long SIG_IGN = 1;
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LibC() {
    }

    private static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static MemorySegment capture() {
        return CAPTURE.get();
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static RuntimeException linkageFailure(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed to run", t);
    }

    /** {@code socket(domain, type, protocol)}: a file descriptor, or {@code -errno}. */
    public static int socket(int domain, int type, int protocol) {
        MemorySegment cs = capture();
        try {
            int r = (int) SOCKET.invokeExact(cs, domain, type, protocol);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code bind(fd, addr, addr.byteSize())}: 0, or {@code -errno}. */
    public static int bind(int fd, MemorySegment addr) {
        MemorySegment cs = capture();
        try {
            int r = (int) BIND.invokeExact(cs, fd, addr, (int) addr.byteSize());
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code setsockopt(fd, level, option, value, value.byteSize())}: 0, or {@code -errno}. */
    public static int setsockopt(int fd, int level, int option, MemorySegment value) {
        MemorySegment cs = capture();
        try {
            int r = (int) SETSOCKOPT.invokeExact(cs, fd, level, option, value, (int) value.byteSize());
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /**
     * {@code getsockopt(fd, level, option, value, length)}, where {@code length} is a 4-byte
     * in/out {@code socklen_t}: 0, or {@code -errno}.
     */
    public static int getsockopt(int fd, int level, int option, MemorySegment value, MemorySegment length) {
        MemorySegment cs = capture();
        try {
            int r = (int) GETSOCKOPT.invokeExact(cs, fd, level, option, value, length);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code mmap(NULL, length, prot, flags, fd, offset)}: the mapped address, or {@code -errno}. */
    public static long mmap(long lengthBytes, int prot, int flags, int fd, long offsetBytes) {
        MemorySegment cs = capture();
        try {
            long r = (long) MMAP.invokeExact(cs, MemorySegment.NULL, lengthBytes, prot, flags, fd, offsetBytes);
            return r == -1L ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code madvise(address, length, advice)}: 0, or {@code -errno}. */
    public static int madvise(MemorySegment address, long lengthBytes, int advice) {
        MemorySegment cs = capture();
        try {
            int r = (int) MADVISE.invokeExact(cs, address, lengthBytes, advice);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code munmap(address, length)}: 0, or {@code -errno}. */
    public static int munmap(MemorySegment address, long lengthBytes) {
        MemorySegment cs = capture();
        try {
            int r = (int) MUNMAP.invokeExact(cs, address, lengthBytes);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code poll(fds, count, timeoutMs)}: the number of ready descriptors, or {@code -errno}. */
    public static int poll(MemorySegment fds, long count, int timeoutMs) {
        MemorySegment cs = capture();
        try {
            int r = (int) POLL.invokeExact(cs, fds, count, timeoutMs);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code close(fd)}: 0, or {@code -errno}. */
    public static int close(int fd) {
        MemorySegment cs = capture();
        try {
            int r = (int) CLOSE.invokeExact(cs, fd);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code send(fd, buffer, length, flags)}: bytes sent, or {@code -errno}. */
    public static long send(int fd, MemorySegment buffer, long lengthBytes, int flags) {
        MemorySegment cs = capture();
        try {
            long r = (long) SEND.invokeExact(cs, fd, buffer, lengthBytes, flags);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code recv(fd, buffer, length, flags)}: bytes received, or {@code -errno}. */
    public static long recv(int fd, MemorySegment buffer, long lengthBytes, int flags) {
        MemorySegment cs = capture();
        try {
            long r = (long) RECV.invokeExact(cs, fd, buffer, lengthBytes, flags);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code open(path, flags, 0)} for a NUL-terminated path: a file descriptor, or {@code -errno}. */
    public static int open(MemorySegment path, int flags) {
        MemorySegment cs = capture();
        try {
            int r = (int) OPEN.invokeExact(cs, path, flags, 0);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code setns(fd, nstype)} for the calling thread: 0, or {@code -errno}. */
    public static int setns(int fd, int nstype) {
        MemorySegment cs = capture();
        try {
            int r = (int) SETNS.invokeExact(cs, fd, nstype);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code sendto(fd, buffer, length, flags, addr, addr.byteSize())}: bytes sent, or {@code -errno}. */
    public static long sendto(int fd, MemorySegment buffer, long lengthBytes, int flags, MemorySegment addr) {
        MemorySegment cs = capture();
        try {
            long r = (long) SENDTO.invokeExact(cs, fd, buffer, lengthBytes, flags, addr, (int) addr.byteSize());
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code if_nametoindex(name)} for a NUL-terminated name: the index, or {@code -errno}. */
    public static int ifNameToIndex(MemorySegment name) {
        MemorySegment cs = capture();
        try {
            int r = (int) IF_NAMETOINDEX.invokeExact(cs, name);
            return r == 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code ioctl(fd, request, argument)}: the result, or {@code -errno}. */
    public static int ioctl(int fd, long request, MemorySegment argument) {
        MemorySegment cs = capture();
        try {
            int r = (int) IOCTL.invokeExact(cs, fd, request, argument);
            return r < 0 ? -errno(cs) : r;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** The size of a memory page in bytes. */
    public static int pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /**
     * Gives {@code signal} its default disposition back when the process inherited it ignored
     * (as {@code nohup} leaves SIGHUP): the JVM refuses to handle a signal that was ignored at
     * its start. A handled signal is left alone.
     *
     * @return whether the signal was ignored (and is now at its default)
     * @throws NativeException when the disposition cannot be read
     */
    public static boolean unignoreSignal(int signal) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(SIGACTION_BYTES, 8);
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) SIGACTION.invokeExact(state, signal, MemorySegment.NULL, old);
            if (rc != 0) {
                throw new NativeException("sigaction(" + signal + ")", errno(state));
            }
            if (old.get(JAVA_LONG, 0) != SIG_IGN) {
                return false;
            }
            MemorySegment previous = (MemorySegment) SIGNAL.invokeExact(signal, MemorySegment.NULL);
            return previous.address() == SIG_IGN;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** libc's {@code strerror(errno)} text (control path: allocates a String). */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /**
     * Views {@code lengthBytes} of native memory at {@code address} as a segment that lives until
     * {@code arena} closes, which runs {@code cleanup} on a segment of the same address and size.
     */
    public static MemorySegment segment(long address, long lengthBytes, Arena arena,
                                        Consumer<MemorySegment> cleanup) {
        return MemorySegment.ofAddress(address).reinterpret(lengthBytes, arena, cleanup);
    }
}
