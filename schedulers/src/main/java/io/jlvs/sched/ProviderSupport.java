package io.jlvs.sched;

import io.jlvs.core.service.Scheduler;

import java.util.function.IntFunction;

/** Base of the {@code Provider} classes nested in each scheduler: a name and a constructor. */
abstract class ProviderSupport implements SchedulerProvider {
    private final String name;
    private final IntFunction<Scheduler> factory;

    ProviderSupport(String name, IntFunction<Scheduler> factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Scheduler create(int flags) {
        return factory.apply(flags);
    }
}
