package io.jlvs.bench.conn;

import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnResult;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.ConnVerdict;
import io.jlvs.core.conn.DestinationRegistry;
import io.jlvs.core.conn.TableMemory;
import io.jlvs.core.conn.TcpState;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.conn.TrackedService;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Scheduler;
import io.jlvs.dataplane.sys.HugePageMemory;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection table from 10^3 to 10^7 entries: lookup hit, lookup miss, a batch of
 * {@value #BATCH} hits looked up together ({@link ConnTable#lookupRefs}, reported per lookup),
 * insert then delete of a fresh entry, and a tracked ACK on an established NAT connection
 * (lookup, state transition, timer re-arm). Run with {@code -t 1} and {@code -t 2};
 * {@code -prof gc} shows 0 B/op and no collections while the table is used.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/jlvs-bench.jar ConnTableBench \
 *     -f 1 -wi 2 -w 1 -i 3 -r 1 -t 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-XX:MaxDirectMemorySize=3g",
    "--enable-native-access=ALL-UNNAMED"})
public class ConnTableBench {
    private static final int TCP = 6;
    private static final int VIP = Ipv4.parse("192.168.10.100");
    /** System property that silences the setup's line on the table's memory ({@link ConnTableLine} prints its own). */
    static final String QUIET = "jlvs.bench.quiet";
    /** Keys in one batched lookup: an RX batch. */
    static final int BATCH = 32;
    /** Keys of concurrent insert+delete threads start here, past the filled and the missing ones. */
    private static final long INSERT_BASE = 1L << 30;

    static int caddr(long key) {
        return 0x0A000000 + (int) (key >>> 12);
    }

    static int cport(long key) {
        return 1024 + (int) (key & 0xFFF);
    }

    /** The table, filled with {@code entries} established NAT connections. */
    @State(Scope.Benchmark)
    public static class Table {
        @Param({"1000", "10000", "100000", "1000000", "10000000"})
        public int entries;

        /** {@code huge}: mapped as jlvsd maps it ({@link HugePageMemory}); {@code arena}: from the arena. */
        @Param({"huge"})
        public String memory;

        ConnTable table;
        ConnTracker tracker;
        TrackedService service;
        Destination server;
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void fill() {
            table = new ConnTable(entries + 4096, ConnTable.DEFAULT_LOAD_FACTOR,
                    "arena".equals(memory) ? TableMemory.ARENA : new HugePageMemory());
            DestinationRegistry registry = new DestinationRegistry(4);
            server = new Destination(Ipv4.parse("10.0.0.1"), 80, ForwardingMethod.MASQ, 1);
            registry.register(server);
            tracker = new ConnTracker(table, registry, new Timeouts(), new ConnSysctls());
            Destination only = server;
            service = TrackedService.of(TCP, VIP, 80, new Scheduler() {
                @Override
                public String name() {
                    return "one";
                }

                @Override
                public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
                }

                @Override
                public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
                    return only;
                }
            });
            ConnResult fill = new ConnResult();
            for (long k = 0; k < entries; k++) {
                if (tracker.inPacket(service, TCP, caddr(k), cport(k), VIP, 80, 0x02, 0, fill)
                        != ConnVerdict.TRACKED) {
                    throw new IllegalStateException("fill failed at " + k);
                }
            }
            if (Boolean.getBoolean(QUIET)) {
                return;
            }
            System.out.printf("%nConnTable: %d entries, %d slots of %d B, %d off-heap bytes = %.1f B/entry"
                    + " of capacity (%.1f B per filled entry)%n", entries, table.slotCount(), ConnTable.SLOT_BYTES,
                    table.offHeapBytes(), table.bytesPerEntry(), (double) table.offHeapBytes() / entries);
        }

        @TearDown(Level.Trial)
        public void close() {
            table.close();
        }
    }

    /** Per-thread key sequence (xorshift) and insert key space. */
    @State(Scope.Thread)
    public static class Cursor {
        final ConnResult result = new ConnResult();
        final ConnTable.Batch batch = new ConnTable.Batch(BATCH);
        long seed;
        long insertKey;

        ConnTable table;

        /** On the benchmark thread: its key sequence, and credits as a worker holds them. */
        @Setup(Level.Trial)
        public void init(Table t) {
            int id = t.threads.incrementAndGet();
            seed = 0x9E3779B97F4A7C15L * id;
            insertKey = INSERT_BASE + ((long) id << 26);
            table = t.table;
            table.attachCredits();
        }

        @TearDown(Level.Trial)
        public void release() {
            table.detachCredits();
        }

        long next(int bound) {
            seed = xorshift(seed);
            return below(seed, bound);
        }
    }

    /**
     * A number below {@code bound} from a random {@code seed}, by multiply and shift (Lemire's
     * reduction): a division would cost as much as an in-cache lookup and blur the figure.
     */
    static long below(long seed, int bound) {
        return ((seed >>> 32) * bound) >>> 32;
    }

    /** One step of Marsaglia's xorshift64: the key sequence both this and the peer bench use. */
    static long xorshift(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    @Benchmark
    public int lookupHit(Table t, Cursor c) {
        long k = c.next(t.entries);
        return t.table.lookup(ConnTable.KIND_CONN, TCP, caddr(k), cport(k), VIP, 80);
    }

    @Benchmark
    public int lookupMiss(Table t, Cursor c) {
        long k = t.entries + c.next(t.entries);
        return t.table.lookup(ConnTable.KIND_CONN, TCP, caddr(k), cport(k), VIP, 80);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lookupBatch(Table t, Cursor c) {
        ConnTable.Batch batch = c.batch;
        batch.clear();
        for (int i = 0; i < BATCH; i++) {
            long k = c.next(t.entries);
            batch.add(ConnTable.KIND_CONN, TCP, caddr(k), cport(k), VIP, 80);
        }
        t.table.lookupRefs(batch);
        return batch.ref(0) ^ batch.ref(BATCH - 1);
    }

    @Benchmark
    public int insertDelete(Table t, Cursor c) {
        long k = c.insertKey++;
        ConnTable table = t.table;
        int slot = table.claim(ConnTable.KIND_CONN, TCP, caddr(k), cport(k), VIP, 80);
        if (slot < 0) {
            return slot;
        }
        table.fill(slot, 0, 0x0A000001, 80, -1, 0);
        table.publish(slot, TcpState.NONE, ConnTable.F_INACTIVE, false);
        if (!table.beginRemove(slot, table.control(slot))) {
            throw new IllegalStateException("entry removed by someone else");
        }
        table.finishRemove(slot);
        return slot;
    }

    @Benchmark
    public int trackedPacketHit(Table t, Cursor c) {
        long k = c.next(t.entries);
        t.tracker.inPacket(t.service, TCP, caddr(k), cport(k), VIP, 80, 0x10, 1000, c.result);
        return c.result.slot();
    }
}
