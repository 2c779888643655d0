package io.jlvs.director;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --neighbour} and {@code --gateway} options, shared by jlvsd and {@code jlvs pcap} (a picocli mixin). */
public final class NextHopFlags {
    @Option(names = "--neighbour", paramLabel = "ADDRESS=MAC[@INTERFACE]",
            description = "A next hop: real server or router address and its MAC (repeatable).")
    List<String> neighbours = new ArrayList<>();

    @Option(names = "--gateway", paramLabel = "MAC[@INTERFACE]",
            description = "The next hop for addresses without a --neighbour entry (the router towards clients).")
    String gateway;

    /**
     * The options read against the data-plane interfaces.
     *
     * @throws IllegalArgumentException naming the entry that is malformed
     */
    public NextHopOptions parse(List<String> interfaces) {
        return NextHopOptions.parse(neighbours, gateway, interfaces);
    }
}
