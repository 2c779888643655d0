package io.jlvs.core.conn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a {@link ConnTable} gets its native memory. The default allocates from the table's
 * arena; the data plane maps it so that the kernel can back it with huge pages.
 */
@FunctionalInterface
public interface TableMemory {
    /** Memory from the arena, 64-byte aligned. */
    TableMemory ARENA = (arena, bytes) -> arena.allocate(bytes, 64);

    /**
     * A zeroed segment of {@code bytes}, aligned to 64 bytes at least, freed when {@code arena}
     * closes.
     */
    MemorySegment allocate(Arena arena, long bytes);
}
