package io.jlvs.director;

import io.jlvs.config.model.SchedulerNames;
import io.jlvs.sched.Schedulers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The service file and jlvsadm accept the scheduler names {@code config} knows, while jlvsd
 * builds them from {@code schedulers}: both must name the same 13.
 */
class SchedulerNamesTest {
    @Test
    void theNamesTheConfigAcceptsAreTheSchedulersJlvsdCanBuild() {
        assertEquals(SchedulerNames.IPVS, Schedulers.names());
        assertEquals(13, Schedulers.names().size());
    }
}
