package io.jlvs.dataplane.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code bpf()} system call ({@code linux/bpf.h}) through {@code syscall(321, cmd, attr, size)},
 * without libbpf: map creation and updates, program loading with the verifier's log, and XDP
 * links. Every call zero-fills a 144-byte {@code union bpf_attr}, sets the fields the command
 * reads and throws {@link NativeException} naming the command and the errno when it fails.
 * Control path only: each call allocates its attribute block.
 *
 * <p>{@code union bpf_attr} members used (offsets in bytes, all fields host byte order):
 * <pre>
 * MAP_CREATE     0 map_type | 4 key_size | 8 value_size | 12 max_entries | 16 map_flags
 *                20 inner_map_fd | 24 numa_node | 28 map_name[16]
 * MAP_*_ELEM     0 map_fd | 8 key (u64 pointer) | 16 value (u64 pointer) | 24 flags (u64)
 * PROG_LOAD      0 prog_type | 4 insn_cnt | 8 insns (ptr) | 16 license (ptr) | 24 log_level
 *                28 log_size | 32 log_buf (ptr) | 40 kern_version | 44 prog_flags
 *                48 prog_name[16] | 64 prog_ifindex | 68 expected_attach_type
 * LINK_CREATE    0 prog_fd | 4 target_ifindex | 8 attach_type | 12 flags
 * </pre>
 * Callable from any thread. Linux on x86-64 (the system call number is that ABI's). Like
 * {@link LibC}, it links its one native function ({@code syscall}) itself, so javac's
 * {@code restricted} lint is silenced here too.
 */
@SuppressWarnings("restricted")
public final class Bpf {
    /** {@code __NR_bpf} on x86-64. */
    private static final long SYS_BPF = 321;
    /** {@code sizeof(union bpf_attr)} in the kernels this was written against; larger kernels accept it. */
    private static final long ATTR_BYTES = 144;

    public static final int BPF_MAP_CREATE = 0;
    public static final int BPF_MAP_LOOKUP_ELEM = 1;
    public static final int BPF_MAP_UPDATE_ELEM = 2;
    public static final int BPF_MAP_DELETE_ELEM = 3;
    public static final int BPF_PROG_LOAD = 5;
    public static final int BPF_LINK_CREATE = 28;

    /** Map type: hash table of fixed-size keys. */
    public static final int BPF_MAP_TYPE_HASH = 1;
    /** Map type: longest-prefix-match trie (key: u32 prefix length in bits, then the data). */
    public static final int BPF_MAP_TYPE_LPM_TRIE = 11;
    /** Map type: AF_XDP sockets by RX queue index, the target of {@code bpf_redirect_map}. */
    public static final int BPF_MAP_TYPE_XSKMAP = 17;
    /** Map flag: allocate entries on update (required by LPM tries). */
    public static final int BPF_F_NO_PREALLOC = 1;
    /** Update flag: create or replace. */
    public static final long BPF_ANY = 0;

    /** Program type XDP. */
    public static final int BPF_PROG_TYPE_XDP = 6;
    /** Attach type XDP (also the expected attach type of an XDP program loaded for a link). */
    public static final int BPF_XDP = 37;
    /** XDP attach flag: generic (skb) mode, after the stack has built an skb; works on any device. */
    public static final int XDP_FLAGS_SKB_MODE = 1 << 1;
    /** XDP attach flag: native (driver) mode. */
    public static final int XDP_FLAGS_DRV_MODE = 1 << 2;

    /** XDP verdict: drop. */
    public static final int XDP_DROP = 1;
    /** XDP verdict: hand the frame to the kernel's stack. */
    public static final int XDP_PASS = 2;
    /** XDP verdict: redirect, as {@code bpf_redirect_map} returns when the map has the key. */
    public static final int XDP_REDIRECT = 4;

    /** Helper {@code void *bpf_map_lookup_elem(map, key)}. */
    public static final int FN_MAP_LOOKUP_ELEM = 1;
    /** Helper {@code long bpf_redirect_map(map, key, flags)}; the low flag bits are the verdict when the slot is empty. */
    public static final int FN_REDIRECT_MAP = 51;

    /** Bytes of verifier log kept for an error message. */
    private static final int LOG_BYTES = 1 << 20;
    /** Lines of the verifier's log an error message carries (its end, where the reason is). */
    private static final int LOG_TAIL_LINES = 30;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));

    private Bpf() {
    }

    /** The XDP mode a program was attached in. */
    public enum XdpMode {
        /** In the driver, before any skb exists ({@code ip link} shows {@code xdp} / {@code xdpdrv}). */
        NATIVE,
        /** After the stack built the skb ({@code xdpgeneric}); slower, works on every device. */
        GENERIC
    }

    /** {@code bpf(cmd, attr, 144)}: the result, or {@code -errno}. */
    private static long bpf(int cmd, MemorySegment attr, Arena arena) {
        MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
        try {
            long r = (long) SYSCALL.invokeExact(capture, SYS_BPF, (long) cmd, attr, ATTR_BYTES);
            return r < 0 ? -(int) ERRNO.get(capture, 0L) : r;
        } catch (Throwable t) {
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("native call failed to run", t);
        }
    }

    private static MemorySegment attr(Arena arena) {
        return arena.allocate(ATTR_BYTES, 8); // allocate() zero-fills
    }

    /**
     * Creates a map and returns its file descriptor.
     *
     * @param name up to 15 ASCII characters, shown by {@code bpftool map}
     * @throws NativeException {@code bpf(BPF_MAP_CREATE <name>): ...}
     */
    public static int mapCreate(int type, int keyBytes, int valueBytes, int maxEntries, int flags, String name)
            throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = attr(arena);
            a.set(JAVA_INT, 0, type);
            a.set(JAVA_INT, 4, keyBytes);
            a.set(JAVA_INT, 8, valueBytes);
            a.set(JAVA_INT, 12, maxEntries);
            a.set(JAVA_INT, 16, flags);
            putName(a, 28, name);
            long r = bpf(BPF_MAP_CREATE, a, arena);
            if (r < 0) {
                throw new NativeException("bpf(BPF_MAP_CREATE " + name + ")", (int) -r);
            }
            return (int) r;
        }
    }

    /**
     * Sets {@code key} to {@code value} in map {@code mapFd} ({@link #BPF_ANY}: create or replace).
     *
     * @throws NativeException {@code bpf(BPF_MAP_UPDATE_ELEM <what>): ...}
     */
    public static void mapUpdate(int mapFd, MemorySegment key, MemorySegment value, long flags, String what)
            throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = attr(arena);
            a.set(JAVA_INT, 0, mapFd);
            a.set(JAVA_LONG, 8, key.address());
            a.set(JAVA_LONG, 16, value.address());
            a.set(JAVA_LONG, 24, flags);
            long r = bpf(BPF_MAP_UPDATE_ELEM, a, arena);
            if (r < 0) {
                throw new NativeException("bpf(BPF_MAP_UPDATE_ELEM " + what + ")", (int) -r);
            }
        }
    }

    /**
     * Removes {@code key} from map {@code mapFd}.
     *
     * @return false when the key was not there ({@code ENOENT})
     * @throws NativeException {@code bpf(BPF_MAP_DELETE_ELEM <what>): ...} for any other failure
     */
    public static boolean mapDelete(int mapFd, MemorySegment key, String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = attr(arena);
            a.set(JAVA_INT, 0, mapFd);
            a.set(JAVA_LONG, 8, key.address());
            long r = bpf(BPF_MAP_DELETE_ELEM, a, arena);
            if (r == -Errno.ENOENT) {
                return false;
            }
            if (r < 0) {
                throw new NativeException("bpf(BPF_MAP_DELETE_ELEM " + what + ")", (int) -r);
            }
            return true;
        }
    }

    /**
     * Reads {@code key}'s value from map {@code mapFd} into {@code value}.
     *
     * @return false when the key is not there
     * @throws NativeException {@code bpf(BPF_MAP_LOOKUP_ELEM <what>): ...} for any other failure
     */
    public static boolean mapLookup(int mapFd, MemorySegment key, MemorySegment value, String what)
            throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = attr(arena);
            a.set(JAVA_INT, 0, mapFd);
            a.set(JAVA_LONG, 8, key.address());
            a.set(JAVA_LONG, 16, value.address());
            long r = bpf(BPF_MAP_LOOKUP_ELEM, a, arena);
            if (r == -Errno.ENOENT) {
                return false;
            }
            if (r < 0) {
                throw new NativeException("bpf(BPF_MAP_LOOKUP_ELEM " + what + ")", (int) -r);
            }
            return true;
        }
    }

    /**
     * Loads an XDP program (license GPL, expected attach type {@link #BPF_XDP}) and returns its
     * file descriptor. The first attempt asks for no log (a log that overflows its buffer fails
     * even a good program); when the kernel refuses the program, a second attempt asks for the
     * verifier's log, and the exception's message ends with its last lines, where the verifier
     * says why.
     *
     * @param instructions the program, 8 bytes per instruction, host byte order
     * @param name up to 15 ASCII characters, shown by {@code bpftool prog}
     * @throws NativeException {@code bpf(BPF_PROG_LOAD <name>): EACCES (13): ...} and the log
     */
    public static int progLoadXdp(byte[] instructions, String name) throws NativeException {
        if (instructions.length % 8 != 0) {
            throw new IllegalArgumentException("program length must be a multiple of 8, was " + instructions.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(instructions.length, 8);
            MemorySegment.copy(instructions, 0, insns, JAVA_BYTE, 0, instructions.length);
            MemorySegment license = arena.allocateFrom("GPL", StandardCharsets.US_ASCII);
            MemorySegment a = progLoadAttr(arena, insns, instructions.length / 8, license, name);
            long r = bpf(BPF_PROG_LOAD, a, arena);
            if (r >= 0) {
                return (int) r;
            }
            MemorySegment log = arena.allocate(LOG_BYTES);
            a = progLoadAttr(arena, insns, instructions.length / 8, license, name);
            a.set(JAVA_INT, 24, 1);
            a.set(JAVA_INT, 28, LOG_BYTES);
            a.set(JAVA_LONG, 32, log.address());
            long again = bpf(BPF_PROG_LOAD, a, arena);
            if (again >= 0) {
                return (int) again;
            }
            String text = log.getString(0, StandardCharsets.US_ASCII).strip();
            throw new NativeException("bpf(BPF_PROG_LOAD " + name + ")", (int) -r,
                    text.isEmpty() ? "the verifier wrote no log" : "verifier log (end):\n" + tail(text));
        }
    }

    private static MemorySegment progLoadAttr(Arena arena, MemorySegment insns, int count, MemorySegment license,
                                              String name) {
        MemorySegment a = attr(arena);
        a.set(JAVA_INT, 0, BPF_PROG_TYPE_XDP);
        a.set(JAVA_INT, 4, count);
        a.set(JAVA_LONG, 8, insns.address());
        a.set(JAVA_LONG, 16, license.address());
        putName(a, 48, name);
        a.set(JAVA_INT, 68, BPF_XDP);
        return a;
    }

    /**
     * Attaches XDP program {@code progFd} to interface {@code ifindex} through a BPF link
     * ({@code BPF_LINK_CREATE}, attach type {@link #BPF_XDP}) with {@code flags}
     * ({@link #XDP_FLAGS_DRV_MODE} or {@link #XDP_FLAGS_SKB_MODE}). Closing the returned file
     * descriptor (or the process ending) detaches the program.
     *
     * @throws NativeException {@code bpf(BPF_LINK_CREATE xdp ifindex 7 drv): ...}
     */
    public static int linkCreateXdp(int progFd, int ifindex, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = attr(arena);
            a.set(JAVA_INT, 0, progFd);
            a.set(JAVA_INT, 4, ifindex);
            a.set(JAVA_INT, 8, BPF_XDP);
            a.set(JAVA_INT, 12, flags);
            long r = bpf(BPF_LINK_CREATE, a, arena);
            if (r < 0) {
                String mode = flags == XDP_FLAGS_DRV_MODE ? "drv" : flags == XDP_FLAGS_SKB_MODE ? "skb" : "flags " + flags;
                throw new NativeException("bpf(BPF_LINK_CREATE xdp ifindex " + ifindex + " " + mode + ")", (int) -r);
            }
            return (int) r;
        }
    }

    /** An XDP link and the mode it got. */
    public record XdpLink(int fd, XdpMode mode) {
    }

    /**
     * Attaches in native mode if {@code tryNative} and the driver supports it, else in generic
     * mode.
     *
     * @throws NativeException the generic attempt's failure, naming the native one's errno too
     */
    public static XdpLink attachXdp(int progFd, int ifindex, boolean tryNative) throws NativeException {
        if (!tryNative) {
            return new XdpLink(linkCreateXdp(progFd, ifindex, XDP_FLAGS_SKB_MODE), XdpMode.GENERIC);
        }
        try {
            return new XdpLink(linkCreateXdp(progFd, ifindex, XDP_FLAGS_DRV_MODE), XdpMode.NATIVE);
        } catch (NativeException nativeFailure) {
            try {
                return new XdpLink(linkCreateXdp(progFd, ifindex, XDP_FLAGS_SKB_MODE), XdpMode.GENERIC);
            } catch (NativeException genericFailure) {
                throw new NativeException(genericFailure.call(), genericFailure.errno(),
                        "native mode failed first: " + Errno.describe(nativeFailure.errno()));
            }
        }
    }

    /** Closes a map, program or link file descriptor; closing a link detaches its program. */
    public static void close(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }

    /** Whether the host is little-endian, which the instruction encoding here assumes. */
    public static boolean isLittleEndian() {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    private static void putName(MemorySegment attr, long offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(bytes.length, 15);
        for (int i = 0; i < n; i++) {
            byte b = bytes[i];
            attr.set(JAVA_BYTE, offset + i, Character.isLetterOrDigit(b) || b == '_' ? b : (byte) '_');
        }
    }

    private static String tail(String log) {
        String[] lines = log.split("\n");
        int from = Math.max(0, lines.length - LOG_TAIL_LINES);
        StringBuilder sb = new StringBuilder();
        if (from > 0) {
            sb.append("  ... (").append(from).append(" lines before)\n");
        }
        for (int i = from; i < lines.length; i++) {
            sb.append("  ").append(lines[i]).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
