package io.jlvs.dataplane.kernel;

import io.jlvs.config.model.GlobalSettings;

/**
 * An interface as the kernel reports it ({@code RTM_GETLINK}; {@code ip -o link show dev NAME}).
 *
 * @param name     the interface name (without the {@code @peer} suffix)
 * @param index    the interface index
 * @param mac      the hardware address (see {@link Mac}); 0 when it has none
 * @param mtuBytes the MTU in bytes
 */
public record LinkInfo(String name, int index, long mac, int mtuBytes) {
    /**
     * Throws unless {@code name} could be a Linux interface name
     * ({@link GlobalSettings#interfaceNameProblem}: 1..15 characters, none of them blank,
     * control, {@code /}, {@code :}, quote or backslash, so it is also safe inside nft's quotes
     * and on a command line).
     */
    public static void checkName(String name) {
        GlobalSettings.interfaceNameProblem(name).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    /** Asks the kernel (rtnetlink) about interface {@code name} in the runner's namespace. */
    public static LinkInfo query(CommandRunner runner, String name) {
        checkName(name);
        try (RtNetlink netlink = RtNetlink.open(runner)) {
            return netlink.link(name);
        }
    }
}
