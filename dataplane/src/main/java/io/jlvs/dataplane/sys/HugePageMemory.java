package io.jlvs.dataplane.sys;

import io.jlvs.core.conn.TableMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connection table's memory as an anonymous mapping advised {@code MADV_HUGEPAGE}, so that
 * a table of millions of entries is backed by 2 MiB pages where the kernel allows: a lookup
 * then misses the TLB far less often than over 4 KiB pages. The mapping is faulted in at once,
 * after the advice, as the arena's memory is: the table is resident from the start and no
 * packet waits for a page fault. Memory below one huge page, or a mapping the kernel refuses,
 * comes from the arena instead. {@link #report} says which.
 */
public final class HugePageMemory implements TableMemory {
    /** Size of a transparent huge page on x86-64 and aarch64 (4 KiB base pages). */
    static final long HUGE_PAGE_BYTES = 2L << 20;
    /** Size of a base page: the stride at which the mapping is faulted in. */
    private static final long BASE_PAGE_BYTES = 4096;
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final Pattern SELECTED = Pattern.compile("\\[(\\w+)]");

    private volatile String report = "no memory mapped";

    @Override
    public MemorySegment allocate(Arena arena, long bytes) {
        if (bytes < HUGE_PAGE_BYTES) {
            report = "without huge pages (smaller than one)";
            return ARENA.allocate(arena, bytes);
        }
        long address = LibC.mmap(bytes, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1,
                0);
        if (address < 0) {
            report = "without huge pages (mmap: " + LibC.strerror((int) -address) + ")";
            return ARENA.allocate(arena, bytes);
        }
        MemorySegment segment = LibC.segment(address, bytes, arena, s -> LibC.munmap(s, s.byteSize()));
        int advised = LibC.madvise(segment, bytes, LibC.MADV_HUGEPAGE);
        for (long offset = 0; offset < bytes; offset += BASE_PAGE_BYTES) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 0);
        }
        String mode = transparentHugePages();
        if (advised < 0) {
            report = "without huge pages (madvise: " + LibC.strerror(-advised) + ")";
        } else if ("never".equals(mode)) {
            report = "without huge pages (" + THP_MODE + " is [never])";
        } else {
            report = "with transparent huge pages advised (" + THP_MODE + " is [" + mode + "])";
        }
        return segment;
    }

    /** How the last allocation was made: with huge pages advised, or why not. */
    public String report() {
        return report;
    }

    /** The kernel's transparent-huge-page mode (always, madvise, never), or "unknown". */
    static String transparentHugePages() {
        try {
            Matcher m = SELECTED.matcher(Files.readString(THP_MODE));
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
