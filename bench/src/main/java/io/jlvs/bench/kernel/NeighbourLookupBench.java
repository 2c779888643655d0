package io.jlvs.bench.kernel;

import io.jlvs.dataplane.kernel.NeighbourSnapshot;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A next-hop MAC lookup in a neighbour snapshot of {@code neighbours} entries, hits cycling over them. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NeighbourLookupBench {
    private static final int BASE = 0x0AD5_0000;

    /** Entries in the neighbour table. */
    @Param({"16", "4096"})
    public int neighbours;

    private NeighbourSnapshot snapshot;
    private int next;

    /** Builds the snapshot from {@code /proc/net/arp} text. */
    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder text = new StringBuilder("IP address HW type Flags HW address Mask Device\n");
        for (int i = 1; i <= neighbours; i++) {
            text.append("10.213.").append(i >>> 8).append('.').append(i & 0xFF)
                    .append(" 0x1 0x2 02:00:00:00:").append(String.format("%02x:%02x", i >>> 8, i & 0xFF))
                    .append(" * eth1\n");
        }
        snapshot = NeighbourSnapshot.parseProcNetArp(text.toString(), null);
        if (snapshot.size() != neighbours || snapshot.mac(BASE + neighbours) == NeighbourSnapshot.NO_MAC) {
            throw new IllegalStateException("benchmark table has " + snapshot.size() + " entries, not " + neighbours);
        }
    }

    /** One MAC lookup that hits. */
    @Benchmark
    public long neighbourLookup() {
        int i = next + 1;
        next = i == neighbours ? 0 : i;
        return snapshot.mac(BASE + i);
    }
}
