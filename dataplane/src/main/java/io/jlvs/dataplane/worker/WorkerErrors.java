package io.jlvs.dataplane.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A worker's error barrier, in the manner of Aeron's {@code AgentRunner} error handler: an
 * exception thrown while a frame is handled is counted by its class and logged with its stack
 * the first time that class is seen, and the worker carries on with the next frame. Counting
 * allocates only on the error path. Written by the worker, read by any thread.
 */
public final class WorkerErrors {
    private final int worker;
    private final Consumer<String> log;
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** Errors of worker {@code worker}, the first of each kind reported to {@code log}. */
    public WorkerErrors(int worker, Consumer<String> log) {
        this.worker = worker;
        this.log = log;
    }

    /** Counts {@code error}; logs it with its stack when its class was not seen before. */
    public void record(Throwable error) {
        String kind = error.getClass().getName();
        AtomicLong count = counts.get(kind);
        if (count == null) {
            AtomicLong fresh = new AtomicLong();
            count = counts.putIfAbsent(kind, fresh);
            if (count == null) {
                count = fresh;
                StringWriter stack = new StringWriter();
                error.printStackTrace(new PrintWriter(stack));
                log.accept("worker " + worker + ": error while handling a frame (dropped, counted in"
                        + " jlvs_worker_errors_total; further " + kind + " errors are only counted): " + stack);
            }
        }
        count.incrementAndGet();
    }

    /** Errors so far by class name, sorted. */
    public Map<String, Long> counts() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((kind, n) -> copy.put(kind, n.get()));
        return copy;
    }
}
