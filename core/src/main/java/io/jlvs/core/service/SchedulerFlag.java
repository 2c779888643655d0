package io.jlvs.core.service;

import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler flags of {@code ipvsadm -b}, with the kernel's service flag bits
 * ({@code IP_VS_SVC_F_SCHED1 = 0x08}, {@code SCHED2 = 0x10}, {@code SCHED3 = 0x20}).
 * The sh-* and mh-* names are only valid with their scheduler; {@code flag-N} with any.
 */
public enum SchedulerFlag {
    SH_FALLBACK("sh-fallback", 0x08, "sh"),
    SH_PORT("sh-port", 0x10, "sh"),
    MH_FALLBACK("mh-fallback", 0x08, "mh"),
    MH_PORT("mh-port", 0x10, "mh"),
    FLAG_1("flag-1", 0x08, null),
    FLAG_2("flag-2", 0x10, null),
    FLAG_3("flag-3", 0x20, null);

    /** All three scheduler flag bits. */
    public static final int MASK = 0x38;

    private final String flagName;
    private final int bit;
    private final String scheduler;

    SchedulerFlag(String flagName, int bit, String scheduler) {
        this.flagName = flagName;
        this.bit = bit;
        this.scheduler = scheduler;
    }

    /** The name ipvsadm takes after {@code -b}. */
    public String flagName() {
        return flagName;
    }

    /** The kernel's service flag bit. */
    public int bit() {
        return bit;
    }

    /** The scheduler the flag belongs to, or {@code null} for the flag-N names, valid with any. */
    public String scheduler() {
        return scheduler;
    }

    /** Whether ipvsadm accepts the flag with that scheduler. */
    public boolean appliesTo(String schedulerName) {
        return scheduler == null || scheduler.equals(schedulerName);
    }

    /** The flag with that ipvsadm name, or {@code null}. */
    public static SchedulerFlag ofName(String name) {
        for (SchedulerFlag flag : values()) {
            if (flag.flagName.equals(name)) {
                return flag;
            }
        }
        return null;
    }

    /** All ipvsadm flag names, in declaration order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (SchedulerFlag flag : values()) {
            names.add(flag.flagName);
        }
        return names;
    }

    /**
     * The names for a set of flag bits as an operator of that scheduler writes them:
     * sh-* for sh, mh-* for mh, flag-N otherwise.
     */
    public static List<String> namesOf(int bits, String schedulerName) {
        List<String> names = new ArrayList<>();
        for (SchedulerFlag flag : values()) {
            if ((bits & flag.bit) != 0 && flag.scheduler != null && flag.scheduler.equals(schedulerName)) {
                names.add(flag.flagName);
                bits &= ~flag.bit;
            }
        }
        for (SchedulerFlag flag : values()) {
            if ((bits & flag.bit) != 0 && flag.scheduler == null) {
                names.add(flag.flagName);
                bits &= ~flag.bit;
            }
        }
        return names;
    }
}
