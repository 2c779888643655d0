package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.dataplane.netns.NetnsLab;
import java.util.List;

/**
 * A client namespace and a director namespace joined by a veth pair: client {@code 10.213.0.2/24}
 * on {@link #clientLink}, director {@code 10.213.0.1/24} on {@link #directorLink}. Skips the test,
 * saying why, unless namespaces and {@code nft} are available.
 */
final class TwoHostLab implements AutoCloseable {
    static final String CLIENT_ADDRESS = "10.213.0.2";
    static final String DIRECTOR_ADDRESS = "10.213.0.1";

    final NetnsLab lab;
    final String client;
    final String director;
    final String clientLink;
    final String directorLink;
    final CommandRunner directorRunner;
    final CommandRunner clientRunner;

    private TwoHostLab(NetnsLab lab) {
        this.lab = lab;
        this.client = lab.namespace("client");
        this.director = lab.namespace("director");
        NetnsLab.VethPair link = lab.veth("c", client, "d", director);
        this.clientLink = link.a();
        this.directorLink = link.b();
        lab.address(client, clientLink, CLIENT_ADDRESS + "/24");
        lab.address(director, directorLink, DIRECTOR_ADDRESS + "/24");
        this.directorRunner = CommandRunner.inNamespace(director);
        this.clientRunner = CommandRunner.inNamespace(client);
    }

    /** Builds the lab, or skips the calling test when namespaces or {@code nft} are missing. */
    static TwoHostLab create() {
        NetnsLab.assumeNetnsAvailable();
        assumeTool("nft", "nftables");
        NetnsLab lab = NetnsLab.create();
        try {
            return new TwoHostLab(lab);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    static void assumeTool(String tool, String debianPackage) {
        assumeTrue(CommandRunner.root().hasTool(tool),
                () -> "skipped: '" + tool + "' is not installed (apt-get install " + debianPackage + ")");
    }

    /**
     * Adds, in {@code namespace}, a table {@code netdev probe} with an ingress chain on
     * {@code link} holding one counting rule {@code match}, to observe what arrives there.
     */
    void probe(String namespace, String link, String match) {
        lab.run(namespace, "nft", "add table netdev probe");
        lab.run(namespace, "nft", "add chain netdev probe in { type filter hook ingress device \"" + link
                + "\" priority 0; policy accept; }");
        lab.run(namespace, "nft", "add rule netdev probe in " + match + " counter");
    }

    /** The packets the probe rule of {@link #probe} counted. */
    long probeCount(String namespace) {
        List<NftGuard.RuleCounter> counters = NftGuard.parseCounters(
                lab.run(namespace, "nft", "list", "table", "netdev", "probe"));
        return counters.getFirst().packets();
    }

    /** The packets counted by the guard's rule whose comment starts with {@code prefix}. */
    static long guardCount(NftGuard guard, String prefix) {
        return guard.counters().stream().filter(c -> c.comment().startsWith(prefix))
                .mapToLong(NftGuard.RuleCounter::packets).sum();
    }

    /** Whether {@code nft list tables netdev} in {@code namespace} lists table {@code name}. */
    boolean hasTable(String namespace, String name) {
        return lab.run(namespace, "nft", "list", "tables", "netdev").lines()
                .anyMatch(line -> line.strip().equals("table netdev " + name));
    }

    @Override
    public void close() {
        lab.close();
    }
}
