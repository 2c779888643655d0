package io.jlvs.sched;

import io.jlvs.core.service.Scheduler;
import io.jlvs.core.service.SchedulerFlag;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds schedulers by name and parses scheduler flag lists ({@code ipvsadm -b}, names in
 * {@link SchedulerFlag}). Control thread only.
 *
 * <p>The names the providers give are the one list of scheduler names: the service file,
 * {@code jlvsadm -s}, the importers, {@code jlvs schedulers} (and through it the lab
 * script) all take it from {@link #names()}.
 */
public final class Schedulers {
    /** {@code IP_VS_SVC_F_SCHED1}: {@code sh-fallback} / {@code mh-fallback} / {@code flag-1}. */
    public static final int SCHED1 = 0x08;
    /** {@code IP_VS_SVC_F_SCHED2}: {@code sh-port} / {@code mh-port} / {@code flag-2}. */
    public static final int SCHED2 = 0x10;
    /** {@code IP_VS_SVC_F_SCHED3}: {@code flag-3}. */
    public static final int SCHED3 = 0x20;

    /** ipvsadm's scheduler when {@code -s} is not given, and the service file's. */
    public static final String DEFAULT = "wlc";

    private static final Map<String, SchedulerProvider> PROVIDERS = load();
    private static final Set<String> NAMES = Collections.unmodifiableSet(new TreeSet<>(PROVIDERS.keySet()));

    private Schedulers() {
    }

    private static Map<String, SchedulerProvider> load() {
        Map<String, SchedulerProvider> byName = new TreeMap<>();
        for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class, Schedulers.class.getClassLoader())) {
            SchedulerProvider old = byName.putIfAbsent(p.name(), p);
            if (old != null) {
                throw new IllegalStateException("two scheduler providers named '" + p.name() + "': "
                        + old.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return Map.copyOf(byName);
    }

    /** The scheduler names, sorted; unmodifiable. */
    public static Set<String> names() {
        return NAMES;
    }

    /**
     * A new scheduler of that name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static Scheduler create(String name, int flags) {
        SchedulerProvider p = PROVIDERS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown scheduler '" + name + "': valid names are "
                    + String.join(", ", names()));
        }
        return p.create(flags);
    }

    /**
     * Parses the text of {@code ipvsadm -b}: comma-separated names among
     * {@code flag-1 flag-2 flag-3 sh-fallback sh-port mh-fallback mh-port}. As ipvsadm
     * does, the sh-* names are refused for a scheduler other than sh and the mh-* names
     * for one other than mh.
     *
     * @return the flag bits
     * @throws IllegalArgumentException naming the bad flag
     */
    public static int parseFlags(String scheduler, String text) {
        int flags = 0;
        if (text == null || text.isEmpty()) {
            return 0;
        }
        for (String flag : text.split(",", -1)) {
            flags |= parseFlag(scheduler, flag.trim());
        }
        return flags;
    }

    /** One flag name of {@link #parseFlags}. */
    public static int parseFlag(String scheduler, String flag) {
        SchedulerFlag known = SchedulerFlag.ofName(flag);
        if (known == null) {
            throw new IllegalArgumentException("invalid scheduler flag '" + flag + "': valid flags are "
                    + String.join(", ", SchedulerFlag.names()));
        }
        if (!known.appliesTo(scheduler)) {
            throw new IllegalArgumentException("incompatible scheduler flag '" + flag + "': it applies to the "
                    + known.scheduler() + " scheduler only, not " + scheduler);
        }
        return known.bit();
    }
}
