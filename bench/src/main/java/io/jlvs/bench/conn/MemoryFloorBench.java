package io.jlvs.bench.conn;

import io.jlvs.core.conn.ConnTable;
import io.jlvs.dataplane.sys.HugePageMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What this machine's memory allows a connection table of N entries: random reads of one
 * 8-byte word in a mapping of exactly the size {@link ConnTable#bytesFor} gives for N entries,
 * mapped as jlvsd maps its table ({@link HugePageMemory}). No table lookup can be faster than
 * the read of the one cache line it needs, so these are the floors of
 * {@link ConnTableBench}'s figures at the same sizes:
 *
 * <ul>
 *   <li>{@code dependentRead}: each address depends on the word read before it, so one read
 *       waits for the last (a pointer chase): the latency of one random access;</li>
 *   <li>{@code batchRead}: {@value ConnTableBench#BATCH} independent random reads whose words
 *       are summed, per read: how far the core overlaps random accesses, the floor of
 *       {@code lookupBatch}.</li>
 * </ul>
 * Addresses are drawn with the same xorshift and multiply-shift reduction as the table's bench.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "--enable-native-access=ALL-UNNAMED"})
public class MemoryFloorBench {
    /**
     * A mapping of a table's size, all zero: a chase's next address is a fresh random number
     * xor the word just read, which depends on that read without the walk falling into a cycle.
     */
    @State(Scope.Thread)
    public static class Memory {
        @Param({"1000", "10000", "100000", "1000000", "10000000"})
        public int entries;

        Arena arena;
        MemorySegment words;
        int count;
        long seed = 0x9E3779B97F4A7C15L;
        long last;

        @Setup(Level.Trial)
        public void map() {
            arena = Arena.ofShared();
            words = new HugePageMemory().allocate(arena, ConnTable.bytesFor(entries));
            count = (int) (words.byteSize() / Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void unmap() {
            arena.close();
        }
    }

    @Benchmark
    public long dependentRead(Memory m) {
        m.seed = ConnTableBench.xorshift(m.seed);
        long word = m.words.getAtIndex(ValueLayout.JAVA_LONG, ConnTableBench.below(m.seed ^ m.last, m.count));
        m.last = word;
        return word;
    }

    @Benchmark
    @OperationsPerInvocation(ConnTableBench.BATCH)
    public long batchRead(Memory m) {
        long sum = 0;
        long seed = m.seed;
        for (int i = 0; i < ConnTableBench.BATCH; i++) {
            seed = ConnTableBench.xorshift(seed);
            sum += m.words.getAtIndex(ValueLayout.JAVA_LONG, ConnTableBench.below(seed, m.count));
        }
        m.seed = seed;
        return sum;
    }
}
