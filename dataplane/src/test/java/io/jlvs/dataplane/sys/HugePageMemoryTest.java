package io.jlvs.dataplane.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.TcpState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The connection table's memory: mapped and advised for huge pages, zeroed, and working as a table. */
class HugePageMemoryTest {
    @Test
    void aLargeTableIsMappedZeroedAndAdvisedAsTheKernelAllows() {
        HugePageMemory memory = new HugePageMemory();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = memory.allocate(arena, 3 * HugePageMemory.HUGE_PAGE_BYTES);
            assertEquals(3 * HugePageMemory.HUGE_PAGE_BYTES, s.byteSize());
            assertEquals(0, s.address() % 4096, "page aligned");
            assertTrue(resident(s), "faulted in at once, as the arena's memory is");
            for (long off = 0; off < s.byteSize(); off += 4096) {
                assertEquals(0L, s.get(ValueLayout.JAVA_LONG, off), "zeroed at " + off);
            }
            String mode = HugePageMemory.transparentHugePages();
            String report = memory.report();
            assertTrue("never".equals(mode) ? report.contains("[never]")
                    : report.startsWith("with transparent huge pages advised"), mode + ": " + report);
        }
    }

    @Test
    void aSmallTableComesFromTheArenaAndSaysSo() {
        HugePageMemory memory = new HugePageMemory();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = memory.allocate(arena, 4096);
            assertEquals(4096, s.byteSize());
            assertEquals("without huge pages (smaller than one)", memory.report());
        }
    }

    @Test
    void aTableOnMappedMemoryFindsWhatItHolds() {
        try (ConnTable t = new ConnTable(100_000, ConnTable.DEFAULT_LOAD_FACTOR, new HugePageMemory())) {
            for (int c = 1; c <= 100_000; c++) {
                int slot = t.claim(ConnTable.KIND_CONN, 6, c, 1000, 0xC0A80A64, 80);
                assertTrue(slot >= 0);
                t.fill(slot, 0, 0x0A000001, 80, -1, 0);
                t.publish(slot, TcpState.ESTABLISHED, 0, true);
            }
            for (int c = 1; c <= 100_000; c++) {
                int slot = t.lookup(ConnTable.KIND_CONN, 6, c, 1000, 0xC0A80A64, 80);
                assertTrue(slot >= 0 && t.caddr(slot) == c, "client " + c);
            }
        }
    }

    /** Whether every page of {@code s} is resident: the Rss of its mapping in /proc/self/smaps. */
    private static boolean resident(MemorySegment s) {
        try {
            long start = s.address();
            boolean in = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                    String[] range = line.substring(0, line.indexOf(' ')).split("-");
                    long from = Long.parseUnsignedLong(range[0], 16);
                    long to = Long.parseUnsignedLong(range[1], 16);
                    in = from <= start && start < to;
                } else if (in && line.startsWith("Rss:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return kb * 1024 >= s.byteSize();
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
