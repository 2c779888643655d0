package io.jlvs.config.model;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** The scheduler names of the Linux IPVS module, and ipvsadm's default. */
public final class SchedulerNames {
    /** ipvsadm's scheduler when {@code -s} is not given. */
    public static final String DEFAULT = "wlc";

    /** The 13 IPVS schedulers, sorted by name. */
    public static final Set<String> IPVS = Collections.unmodifiableSet(new TreeSet<>(Set.of(
            "rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "sh", "dh", "lblc", "lblcr", "mh")));

    private SchedulerNames() {
    }
}
