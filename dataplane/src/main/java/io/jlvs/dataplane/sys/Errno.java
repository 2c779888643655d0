package io.jlvs.dataplane.sys;

/**
 * Linux errno numbers (x86_64, {@code asm-generic/errno-base.h} and {@code errno.h}) with their
 * symbolic names and glibc's {@code strerror} text, for error messages such as
 * {@code setsockopt(PACKET_RX_RING): EINVAL (22): Invalid argument}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int ENOBUFS = 105;
    public static final int ENETDOWN = 100;

    private static final String[] NAMES = new String[134];
    private static final String[] TEXTS = new String[134];

    static {
        define(1, "EPERM", "Operation not permitted");
        define(2, "ENOENT", "No such file or directory");
        define(3, "ESRCH", "No such process");
        define(4, "EINTR", "Interrupted system call");
        define(5, "EIO", "Input/output error");
        define(6, "ENXIO", "No such device or address");
        define(7, "E2BIG", "Argument list too long");
        define(9, "EBADF", "Bad file descriptor");
        define(11, "EAGAIN", "Resource temporarily unavailable");
        define(12, "ENOMEM", "Cannot allocate memory");
        define(13, "EACCES", "Permission denied");
        define(14, "EFAULT", "Bad address");
        define(16, "EBUSY", "Device or resource busy");
        define(17, "EEXIST", "File exists");
        define(19, "ENODEV", "No such device");
        define(22, "EINVAL", "Invalid argument");
        define(23, "ENFILE", "Too many open files in system");
        define(24, "EMFILE", "Too many open files");
        define(28, "ENOSPC", "No space left on device");
        define(32, "EPIPE", "Broken pipe");
        define(34, "ERANGE", "Numerical result out of range");
        define(38, "ENOSYS", "Function not implemented");
        define(88, "ENOTSOCK", "Socket operation on non-socket");
        define(89, "EDESTADDRREQ", "Destination address required");
        define(90, "EMSGSIZE", "Message too long");
        define(91, "EPROTOTYPE", "Protocol wrong type for socket");
        define(92, "ENOPROTOOPT", "Protocol not available");
        define(93, "EPROTONOSUPPORT", "Protocol not supported");
        define(94, "ESOCKTNOSUPPORT", "Socket type not supported");
        define(95, "EOPNOTSUPP", "Operation not supported");
        define(97, "EAFNOSUPPORT", "Address family not supported by protocol");
        define(98, "EADDRINUSE", "Address already in use");
        define(99, "EADDRNOTAVAIL", "Cannot assign requested address");
        define(100, "ENETDOWN", "Network is down");
        define(101, "ENETUNREACH", "Network is unreachable");
        define(105, "ENOBUFS", "No buffer space available");
        define(110, "ETIMEDOUT", "Connection timed out");
        define(111, "ECONNREFUSED", "Connection refused");
    }

    private Errno() {
    }

    private static void define(int errno, String name, String text) {
        NAMES[errno] = name;
        TEXTS[errno] = text;
    }

    /** The symbolic name ({@code EINVAL}), or {@code errno 123} for a number not in the table. */
    public static String name(int errno) {
        String name = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return name != null ? name : "errno " + errno;
    }

    /** The strerror text ({@code Invalid argument}), or {@code Unknown error 123}. */
    public static String description(int errno) {
        String text = errno > 0 && errno < TEXTS.length ? TEXTS[errno] : null;
        return text != null ? text : "Unknown error " + errno;
    }

    /** Whether the table knows {@code errno}. */
    public static boolean isKnown(int errno) {
        return errno > 0 && errno < NAMES.length && NAMES[errno] != null;
    }

    /** {@code EINVAL (22): Invalid argument}. */
    public static String describe(int errno) {
        return isKnown(errno) ? name(errno) + " (" + errno + "): " + description(errno) : "errno " + errno;
    }
}
