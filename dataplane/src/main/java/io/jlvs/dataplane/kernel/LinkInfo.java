package io.jlvs.dataplane.kernel;

import io.jlvs.config.model.GlobalSettings;
import java.util.List;

/**
 * An interface as {@code ip -o link show dev NAME} reports it.
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

    /** Asks {@code ip} about interface {@code name} in the runner's namespace. */
    public static LinkInfo query(CommandRunner runner, String name) {
        checkName(name);
        runner.requireTool("ip", "iproute2");
        CommandRunner.Result result = runner.run(List.of("ip", "-o", "link", "show", "dev", name), null);
        if (!result.ok()) {
            throw new KernelCommandException("no interface '" + name + "' (" + runner + "): " + result.diagnostic());
        }
        return parse(result.stdout());
    }

    /**
     * Parses one line of {@code ip -o link show}, e.g.
     * {@code 7: eth0@if6: <BROADCAST,UP> mtu 1500 qdisc noqueue ... \    link/ether 1e:58:33:38:04:12 brd ...}.
     */
    public static LinkInfo parse(String line) {
        String[] tokens = line.strip().split("\\s+");
        if (tokens.length < 2 || !tokens[0].endsWith(":") || !tokens[1].endsWith(":")) {
            throw new KernelCommandException("cannot understand 'ip link' output: '" + line.strip() + "'");
        }
        int index;
        try {
            index = Integer.parseInt(tokens[0].substring(0, tokens[0].length() - 1));
        } catch (NumberFormatException e) {
            throw new KernelCommandException("cannot understand 'ip link' output: '" + line.strip() + "'", e);
        }
        String name = tokens[1].substring(0, tokens[1].length() - 1);
        int at = name.indexOf('@');
        if (at > 0) {
            name = name.substring(0, at);
        }
        int mtu = -1;
        long mac = 0;
        for (int i = 2; i < tokens.length - 1; i++) {
            if (tokens[i].equals("mtu")) {
                mtu = Route.parseCount(tokens[i + 1], line);
            } else if (tokens[i].equals("link/ether")) {
                mac = Mac.parse(tokens[i + 1]);
            }
        }
        if (mtu <= 0) {
            throw new KernelCommandException("no mtu in 'ip link' output: '" + line.strip() + "'");
        }
        return new LinkInfo(name, index, mac, mtu);
    }
}
