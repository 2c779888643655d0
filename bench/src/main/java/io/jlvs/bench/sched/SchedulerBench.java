package io.jlvs.bench.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.sched.Schedulers;
import io.jlvs.sched.ServiceScheduling;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds per pick of every scheduler with 4, 16, 64 and 256 real servers of mixed
 * weights (1..8) and random connection counts. Clients vary per pick (source address
 * and port); 256 destination addresses rotate so lblc/lblcr hit their caches. Run with
 * {@code -prof gc}: gc.alloc.rate.norm must be about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerBench {

    @Param({"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "sh", "dh", "lblc", "lblcr", "mh"})
    public String scheduler;

    @Param({"4", "16", "64", "256"})
    public int servers;

    private ServiceScheduling service;
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        service = new ServiceScheduling(Schedulers.create(scheduler, 0));
        for (int n = 0; n < servers; n++) {
            Destination d = new Destination(0xC0A80000 + n + 1, 80, ForwardingMethod.ROUTE, 1 + r.nextInt(8));
            d.setConns(r.nextInt(64), r.nextInt(1024));
            service.add(d);
        }
    }

    @Benchmark
    public Destination pick() {
        int k = i++;
        return service.schedule(0xC6336400 + k * 0x9E3779B9, 1024 + (k & 0x7FFF), 0x0A000000 + (k & 255), 80, k);
    }
}
