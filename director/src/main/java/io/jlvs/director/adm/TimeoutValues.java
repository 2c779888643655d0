package io.jlvs.director.adm;

import io.jlvs.config.model.Timeouts;

/**
 * The three values of {@code ipvsadm --set tcp tcpfin udp}, in seconds, each 0..2678400;
 * 0 keeps the current value (IPVS-SEMANTICS §2.3).
 *
 * @param tcpSeconds    TCP ESTABLISHED timeout
 * @param tcpFinSeconds TCP FIN_WAIT timeout
 * @param udpSeconds    UDP timeout
 */
public record TimeoutValues(int tcpSeconds, int tcpFinSeconds, int udpSeconds) {
    /** The largest value ipvsadm accepts: 31 days. */
    public static final int MAX_SECONDS = Timeouts.MAX_SECONDS;

    /** Checks the ranges. */
    public TimeoutValues {
        if (tcpSeconds < 0 || tcpSeconds > MAX_SECONDS || tcpFinSeconds < 0 || tcpFinSeconds > MAX_SECONDS
                || udpSeconds < 0 || udpSeconds > MAX_SECONDS) {
            throw new IllegalArgumentException("timeouts must be 0.." + MAX_SECONDS + ", were "
                    + tcpSeconds + " " + tcpFinSeconds + " " + udpSeconds);
        }
    }

    /** The timeouts after this {@code --set}: each 0 keeps {@code current}'s value. */
    public Timeouts appliedTo(Timeouts current) {
        return new Timeouts(tcpSeconds == 0 ? current.tcpSeconds() : tcpSeconds,
                tcpFinSeconds == 0 ? current.tcpFinSeconds() : tcpFinSeconds,
                udpSeconds == 0 ? current.udpSeconds() : udpSeconds);
    }
}
