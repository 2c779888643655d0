package io.jlvs.director.adm;

import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.service.SchedulerFlag;
import io.jlvs.sched.Schedulers;

/**
 * The settings of a virtual service as {@code ipvsadm -A/-E} sets them. Every field has
 * ipvsadm's default when its option is absent, because {@code -E} replaces all of them.
 *
 * @param scheduler          scheduler name, at most 15 characters ({@code wlc} by default)
 * @param schedulerFlags     {@link SchedulerFlag} bits within {@link SchedulerFlag#MASK}
 * @param persistenceSeconds persistence timeout 1..2678400, or 0 when not persistent
 * @param netmask            persistence netmask, IPv4 host byte order (255.255.255.255 by default)
 * @param persistenceEngine  persistence engine name ({@code --pe}), empty for none
 * @param onePacket          one-packet scheduling ({@code -o})
 */
public record ServiceOptions(String scheduler, int schedulerFlags, int persistenceSeconds, int netmask,
                             String persistenceEngine, boolean onePacket) {
    /** ipvsadm's settings when no option is given: wlc, not persistent, /32. */
    public static final ServiceOptions DEFAULT = new ServiceOptions(Schedulers.DEFAULT, 0, 0,
            Persistence.DEFAULT_NETMASK, "", false);

    /** A service file's service as ipvsadm sets it (no persistence engine). */
    public static ServiceOptions of(ServiceSpec spec) {
        return new ServiceOptions(spec.scheduler(), spec.schedulerFlags(),
                spec.persistence().map(Persistence::timeoutSeconds).orElse(0),
                spec.persistence().map(Persistence::netmask).orElse(Persistence.DEFAULT_NETMASK), "",
                spec.onePacket());
    }

    /** Checks the ranges. */
    public ServiceOptions {
        if (scheduler == null || scheduler.isEmpty()) {
            throw new IllegalArgumentException("scheduler is required");
        }
        if ((schedulerFlags & ~SchedulerFlag.MASK) != 0) {
            throw new IllegalArgumentException("scheduler flags outside 0x38: 0x" + Integer.toHexString(schedulerFlags));
        }
        if (persistenceSeconds < 0 || persistenceSeconds > Persistence.MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("persistence timeout must be 0.." + Persistence.MAX_TIMEOUT_SECONDS
                    + ", was " + persistenceSeconds);
        }
        if (persistenceEngine == null) {
            throw new IllegalArgumentException("persistence engine must not be null");
        }
    }

    /** Whether the service is persistent ({@code -p}). */
    public boolean isPersistent() {
        return persistenceSeconds != 0;
    }
}
