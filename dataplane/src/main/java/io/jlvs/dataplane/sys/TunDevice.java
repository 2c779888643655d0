package io.jlvs.dataplane.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN device ({@code /dev/net/tun}, {@code IFF_TUN | IFF_NO_PI}): every
 * {@link #write} hands one IP packet to the kernel as if it had arrived on the device. The
 * device exists while this object is open and disappears with {@link #close()}.
 *
 * <p>{@link #write} passes the packet by native address ({@code ring.address() + offset}), so
 * writing from a mapped ring needs no slice and does not allocate; it returns {@code -1} on
 * failure and never throws. Opening and closing are control-path calls.
 */
@SuppressWarnings("restricted")
public final class TunDevice implements AutoCloseable {
    /** {@code TUNSETIFF}: {@code _IOW('T', 202, int)}. */
    public static final long TUNSETIFF = 0x400454caL;
    /** {@code IFF_TUN}: an IP-level device (no Ethernet header). */
    public static final short IFF_TUN = 0x0001;
    /** {@code IFF_NO_PI}: no 4-byte packet-information prefix before each packet. */
    public static final short IFF_NO_PI = 0x1000;
    /** Longest interface name ({@code IFNAMSIZ - 1}). */
    public static final int MAX_NAME_LENGTH = 15;

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int IFREQ_BYTES = 40;
    private static final int IFREQ_FLAGS_OFFSET = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("write"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.critical(false));

    private final int fd;
    private final String name;
    private boolean closed;

    private TunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Creates (or attaches to) TUN device {@code name} with {@code IFF_TUN | IFF_NO_PI}. The device
     * is down and has no address; bring it up with {@code ip link set NAME up}.
     *
     * @throws NativeException naming {@code open(/dev/net/tun)} or {@code ioctl(TUNSETIFF)} and the errno
     */
    public static TunDevice open(String name) throws NativeException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("tun device name must be 1.." + MAX_NAME_LENGTH + " characters, was '"
                    + name + "'");
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = LibC.open(arena.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                throw new NativeException("open(/dev/net/tun)", -fd);
            }
            MemorySegment ifreq = arena.allocate(IFREQ_BYTES);
            MemorySegment.copy(nameBytes, 0, ifreq, JAVA_BYTE, 0, nameBytes.length);
            ifreq.set(JAVA_SHORT, IFREQ_FLAGS_OFFSET, (short) (IFF_TUN | IFF_NO_PI));
            int r = LibC.ioctl(fd, TUNSETIFF, ifreq);
            if (r < 0) {
                LibC.close(fd);
                throw new NativeException("ioctl(TUNSETIFF " + name + ")", -r);
            }
            return new TunDevice(fd, ifreq.getString(0, StandardCharsets.US_ASCII));
        }
    }

    /**
     * Writes one IP packet of {@code lengthBytes} at native address {@code address}. Any thread;
     * does not allocate.
     *
     * @return bytes written, or -1 when the kernel refused the packet
     */
    public long write(long address, long lengthBytes) {
        try {
            return (long) WRITE.invokeExact(fd, address, lengthBytes);
        } catch (Throwable t) {
            throw new AssertionError("write() downcall failed", t);
        }
    }

    /** The device's name as the kernel gave it. */
    public String name() {
        return name;
    }

    /** The file descriptor. */
    public int fd() {
        return fd;
    }

    /** Closes the descriptor; the kernel removes the (non-persistent) device. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
