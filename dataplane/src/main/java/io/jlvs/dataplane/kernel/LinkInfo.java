package io.jlvs.dataplane.kernel;

/**
 * An interface as the kernel reports it ({@code RTM_GETLINK}; {@code ip -o link show dev NAME}).
 *
 * @param name     the interface name (without the {@code @peer} suffix)
 * @param index    the interface index
 * @param mac      the hardware address (see {@link Mac}); 0 when it has none
 * @param mtuBytes the MTU in bytes
 */
public record LinkInfo(String name, int index, long mac, int mtuBytes) {
    private static final int MAX_NAME = 15;

    /**
     * Throws unless {@code name} could be a Linux interface name: 1..15 characters, none of them
     * blank, control, {@code /}, {@code :}, quote or backslash (so it is also safe inside nft's
     * quotes and on a command line).
     */
    public static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("interface name must be 1.." + MAX_NAME
                    + " characters, was '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '/' || c == '"' || c == '\\' || c == ':') {
                throw new IllegalArgumentException("interface name '" + name + "' contains '" + c
                        + "', which no Linux interface name has");
            }
        }
    }

    /** Asks the kernel (rtnetlink) about interface {@code name} in the runner's namespace. */
    public static LinkInfo query(CommandRunner runner, String name) {
        checkName(name);
        try (RtNetlink netlink = RtNetlink.open(runner)) {
            return netlink.link(name);
        }
    }
}
