package io.jlvs.bench.io;

import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.io.RxRing;
import io.jlvs.dataplane.io.RxRingConfig;
import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.io.TxRingConfig;
import io.jlvs.dataplane.sys.NativeException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One worker's I/O loop over a veth pair in the root namespace: a batch of 60-byte frames
 * through the TX ring, one {@code send()}, then a drain of whatever blocks the RX ring on the
 * peer has ready. Scores are frames per second. On veth the kernel's delivery runs on the
 * sender's CPU, so this measures the kernel plus Java, not Java alone. Needs root (veth, raw
 * sockets); the pair is removed in tear-down.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RingBench {
    private static final int BATCH = 64;
    private static final int FRAME_BYTES = 60;
    private static final int ETHERTYPE = 0x88b5;
    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Counts received test frames. */
    static final class Counter implements FrameHandler {
        long frames;

        @Override
        public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
            if (lengthBytes >= 14 && ring.get(U16_BE, offset + 12) == (short) ETHERTYPE) {
                frames++;
            }
        }
    }

    private final String linkA = "jb" + ProcessHandle.current().pid() + "a";
    private final String linkB = "jb" + ProcessHandle.current().pid() + "b";
    private final Counter counter = new Counter();
    private Arena arena;
    private MemorySegment frame;
    private RxRing rx;
    private TxRing tx;

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (RingBench needs root): " + output);
        }
    }

    /** Creates the veth pair and opens the rings. */
    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException, NativeException {
        run("ip", "link", "add", linkA, "type", "veth", "peer", "name", linkB);
        for (String link : List.of(linkA, linkB)) {
            run("sysctl", "-q", "-w", "net.ipv6.conf." + link + ".disable_ipv6=1");
            run("ip", "link", "set", link, "up");
        }
        arena = Arena.ofConfined();
        frame = arena.allocate(FRAME_BYTES);
        frame.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x02);
        frame.set(ValueLayout.JAVA_BYTE, 5, (byte) 0x02);
        frame.set(ValueLayout.JAVA_BYTE, 6, (byte) 0x02);
        frame.set(U16_BE, 12, (short) ETHERTYPE);
        rx = RxRing.open(RxRingConfig.of(linkB).withFrames(4096));
        tx = TxRing.open(new TxRingConfig(linkA, 2048, 1024, BATCH, true));
    }

    /** Closes the rings and deletes the veth pair. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        if (tx != null) {
            tx.close();
        }
        if (rx != null) {
            rx.close();
        }
        if (arena != null) {
            arena.close();
        }
        run("ip", "link", "del", linkA);
    }

    /** Sends a batch of frames and drains the ready blocks; returns frames received so far. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long sendBatchAndDrain() {
        for (int i = 0; i < BATCH; i++) {
            if (!tx.offer(frame, 0, FRAME_BYTES)) {
                rx.drain(counter, Integer.MAX_VALUE);
            }
        }
        tx.flush();
        rx.drain(counter, Integer.MAX_VALUE);
        return counter.frames;
    }
}
