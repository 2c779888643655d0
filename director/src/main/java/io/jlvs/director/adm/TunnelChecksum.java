package io.jlvs.director.adm;

/**
 * Tunnel checksum modes ({@code --tun-nocsum|--tun-csum|--tun-remcsum}), in the kernel's
 * flag numbering, with the short form {@code --tun-info} prints.
 */
public enum TunnelChecksum {
    NOCSUM("--tun-nocsum", "-c"),
    CSUM("--tun-csum", "+c"),
    REMCSUM("--tun-remcsum", "r+c");

    private final String option;
    private final String infoName;

    TunnelChecksum(String option, String infoName) {
        this.option = option;
        this.infoName = infoName;
    }

    /** The ipvsadm option, as {@code -S} writes it. */
    public String option() {
        return option;
    }

    /** The form in the TunnelInfo column ({@code -c}, {@code +c}, {@code r+c}). */
    public String infoName() {
        return infoName;
    }
}
