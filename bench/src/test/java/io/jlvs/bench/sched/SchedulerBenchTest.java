package io.jlvs.bench.sched;

import io.jlvs.sched.Schedulers;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * JMH's {@code @Param} takes compile-time constants only, so {@link SchedulerBench} cannot
 * read {@link Schedulers#names()}: this test keeps its list equal to that one.
 */
class SchedulerBenchTest {

    @Test
    void benchmarksEverySchedulerOnce() throws NoSuchFieldException {
        List<String> params = List.of(SchedulerBench.class.getField("scheduler").getAnnotation(Param.class).value());
        Set<String> unique = new TreeSet<>(params);
        assertEquals(params.size(), unique.size(), "a scheduler twice in " + params);
        assertEquals(Schedulers.names(), unique);
    }
}
