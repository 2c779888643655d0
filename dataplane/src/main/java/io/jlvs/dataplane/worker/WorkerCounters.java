package io.jlvs.dataplane.worker;

import io.jlvs.dataplane.io.IoCounters;
import io.jlvs.dataplane.io.IoDropReason;
import io.jlvs.dataplane.pipeline.PipelineCounters;
import io.jlvs.dataplane.pipeline.PipelineVerdict;

import java.util.List;
import java.util.Map;

/**
 * What one worker counts: its pipeline's verdicts and reasons, and per interface the frames its
 * sockets read and lost below the pipeline. Any thread may read; figures lag a little.
 *
 * @param pipeline the pipeline's counters
 * @param io       one per interface, in port order
 * @param errors   exceptions caught while handling frames, by class name
 */
public record WorkerCounters(PipelineCounters pipeline, List<IoCounters> io, Map<String, Long> errors) {
    /** Copies the collections. */
    public WorkerCounters {
        io = List.copyOf(io);
        errors = Map.copyOf(errors);
    }

    /** Pipeline counters alone, for a worker without sockets (tests, tools). */
    public static WorkerCounters of(PipelineCounters pipeline) {
        return new WorkerCounters(pipeline, List.of(), Map.of());
    }

    /** Frames this worker's sockets lost below the pipeline, all interfaces and reasons. */
    public long ioDrops() {
        long sum = 0;
        for (IoCounters c : io) {
            sum += c.totalDrops();
        }
        return sum;
    }

    /** Frames lost for {@code reason} on all interfaces. */
    public long ioDrops(IoDropReason reason) {
        long sum = 0;
        for (IoCounters c : io) {
            sum += c.drops(reason);
        }
        return sum;
    }

    /** Frames this worker's pipeline ended with {@code verdict}. */
    public long verdictCount(PipelineVerdict verdict) {
        return pipeline.verdictCount(verdict);
    }
}
