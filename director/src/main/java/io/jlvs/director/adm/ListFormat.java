package io.jlvs.director.adm;

import java.util.Set;

/**
 * How {@code ipvsadm -L} prints: which table ({@code --stats}, {@code --rate},
 * {@code --thresholds}, {@code --persistent-conn}, {@code --tun-info}, in that order of
 * precedence when several are given), {@code --exact} numbers, {@code --nosort}, {@code -n}.
 * Names are never resolved: without {@code -n} addresses and ports print as numbers too.
 *
 * @param numeric        {@code -n}
 * @param stats          {@code --stats}
 * @param rate           {@code --rate}
 * @param thresholds     {@code --thresholds}
 * @param persistentConn {@code --persistent-conn}
 * @param tunnelInfo     {@code --tun-info}
 * @param exact          {@code --exact}
 * @param noSort         {@code --nosort}
 */
public record ListFormat(boolean numeric, boolean stats, boolean rate, boolean thresholds,
                         boolean persistentConn, boolean tunnelInfo, boolean exact, boolean noSort) {
    /** {@code ipvsadm -Ln}. */
    public static final ListFormat NUMERIC = new ListFormat(true, false, false, false, false, false, false, false);

    /** The format the given options select. */
    public static ListFormat of(Set<AdmOption> options) {
        return new ListFormat(options.contains(AdmOption.NUMERIC), options.contains(AdmOption.STATS),
                options.contains(AdmOption.RATE), options.contains(AdmOption.THRESHOLDS),
                options.contains(AdmOption.PERSISTENT_CONN), options.contains(AdmOption.TUN_INFO),
                options.contains(AdmOption.EXACT), options.contains(AdmOption.NOSORT));
    }
}
