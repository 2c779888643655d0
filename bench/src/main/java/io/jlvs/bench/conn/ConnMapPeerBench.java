package io.jlvs.bench.conn;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The peer for {@link ConnTableBench}: the same keys and access pattern against a
 * {@link ConcurrentHashMap} of boxed keys to small on-heap entries, the obvious on-heap
 * way to write a connection table. Run both in one JMH invocation and compare them as a
 * ratio, e.g. {@code bin/jlvs bench 'ConnTableBench.lookup|ConnMapPeerBench' -p entries=1000000}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ConnMapPeerBench {

    /** A connection as an on-heap object: what the off-heap slot holds. */
    record Entry(int serverIndex, int state, long expiryMs) {
    }

    /** The map, filled with {@code entries} connections keyed like ConnTableBench's. */
    @State(Scope.Benchmark)
    public static class Map {
        @Param({"1000", "10000", "100000", "1000000", "10000000"})
        public int entries;

        ConcurrentHashMap<Long, Entry> map;

        @Setup(Level.Trial)
        public void fill() {
            map = new ConcurrentHashMap<>(entries * 2);
            for (long k = 0; k < entries; k++) {
                map.put(key(k), new Entry(1, 1, 900_000));
            }
        }
    }

    /** Per-thread xorshift key sequence, the same as ConnTableBench's. */
    @State(Scope.Thread)
    public static class Cursor {
        long seed = 0x9E3779B97F4A7C15L;

        long next(int bound) {
            seed = ConnTableBench.xorshift(seed);
            return ConnTableBench.below(seed, bound);
        }
    }

    /** Client address and port of key {@code k}, packed as ConnTableBench derives them. */
    static long key(long k) {
        return ((long) ConnTableBench.caddr(k) << 16) | ConnTableBench.cport(k);
    }

    @Benchmark
    public Entry lookupHit(Map m, Cursor c) {
        return m.map.get(key(c.next(m.entries)));
    }

    @Benchmark
    public Entry lookupMiss(Map m, Cursor c) {
        return m.map.get(key(m.entries + c.next(m.entries)));
    }
}
