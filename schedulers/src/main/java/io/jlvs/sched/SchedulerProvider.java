package io.jlvs.sched;

import io.jlvs.core.service.Scheduler;

/**
 * Makes schedulers of one kind; listed in {@code META-INF/services} so that
 * {@link Schedulers#create} finds it by the name an operator writes with {@code -s}.
 */
public interface SchedulerProvider {

    /** The scheduler name ({@code rr}, {@code wrr}, {@code mh}…). */
    String name();

    /**
     * A new scheduler, not yet bound to a service (it receives {@code BIND} next).
     *
     * @param flags the service's scheduler flag bits ({@link Schedulers#SCHED1},
     *              {@link Schedulers#SCHED2}, {@link Schedulers#SCHED3})
     */
    Scheduler create(int flags);
}
