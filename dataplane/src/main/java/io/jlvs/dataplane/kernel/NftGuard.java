package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the director's kernel away from the traffic jlvs forwards, with nftables drop rules in a
 * {@code netdev} table of its own ({@code jlvs} by default), one ingress chain per data-plane
 * interface at priority -500.
 *
 * <p>Why: a VIP configured on the director makes the kernel's TCP stack answer every SYN to
 * VIP:port with a RST, and with {@code ip_forward=1} the kernel forwards a NAT real server's
 * reply to the client a second time, untranslated. jlvs's packet sockets are bound to
 * {@code ETH_P_ALL}, and such taps see a frame before the netdev ingress hook drops it, so jlvs
 * still receives everything it owns. The rules, for an owned flow and a NAT real server:
 * <pre>
 * ip daddr 10.0.0.10 tcp dport 80 counter drop comment "service TCP 10.0.0.10:80"
 * ip saddr 10.0.1.2 tcp sport 8080 fib daddr type != local counter drop comment "nat reply TCP 10.0.1.2:8080"
 * </pre>
 * Only TCP, UDP and SCTP to the owned ports are dropped: ARP and ICMP for the VIP reach the
 * kernel, so it keeps answering ARP and ping where the VIP is configured. A NAT reply is dropped
 * only when it is not addressed to the director itself ({@code fib daddr type != local}), so
 * replies to the director's own connections to a real server (health checks) still arrive.
 * ICMP errors from NAT real servers are not dropped. For fwmark services see {@link OwnedFlow}.
 *
 * <p>Every change replaces the whole table in one {@code nft -f -} transaction
 * ({@code table} + {@code delete table} + the new table), so there is never a moment without
 * rules or with half of them. {@link #install} first removes a table of the same name that a
 * crashed run left behind and logs that it did; two directors must therefore not share a table
 * name. {@link #close()} deletes the table and may be called more than once;
 * {@link #removeOnShutdown()} also deletes it when the JVM exits without calling it.
 *
 * <pre>{@code
 * NftGuard guard = NftGuard.install(CommandRunner.root(), NftGuard.DEFAULT_TABLE, new NftGuard.Rules(
 *         List.of("eth1"),
 *         List.of(OwnedFlow.service(Protocol.TCP, Ipv4.parse("10.0.0.10"), 80)),
 *         List.of(new NatServer(Protocol.TCP, Ipv4.parse("10.0.1.2"), 8080))))
 *     .removeOnShutdown();            // SIGTERM: the JVM's shutdown hooks delete the table
 * guard.apply(reloadedRules);         // reload: the whole table, atomically
 * guard.close();                      // orderly exit
 * }</pre>
 *
 * <p>Control thread only; the methods that change the rule set are synchronized. IPv4 only.
 */
public final class NftGuard implements AutoCloseable {
    /** The table name used unless told otherwise. */
    public static final String DEFAULT_TABLE = "jlvs";
    /** Priority of the ingress chains: early, before anything else an operator hooks there. */
    public static final int PRIORITY = -500;

    private static final System.Logger LOG = System.getLogger(NftGuard.class.getName());
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final Pattern CHAIN = Pattern.compile("^\\s*chain\\s+(\\S+)\\s*\\{");
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes (\\d+)");
    private static final Pattern COMMENT = Pattern.compile("comment \"([^\"]*)\"");

    private final CommandRunner runner;
    private final String table;
    private Thread shutdownHook;
    private boolean installed;
    private boolean closed;

    private NftGuard(CommandRunner runner, String table) {
        this.runner = runner;
        this.table = table;
    }

    /** The rules to install: the interfaces to guard, the flows jlvs owns, the NAT real servers. */
    public record Rules(List<String> interfaces, List<OwnedFlow> flows, List<NatServer> natServers) {
        /** Copies the lists, dropping repeated flows and servers, and checks the interface names. */
        public Rules {
            interfaces = List.copyOf(interfaces);
            flows = List.copyOf(new LinkedHashSet<>(flows));
            natServers = List.copyOf(new LinkedHashSet<>(natServers));
            Set<String> seen = new HashSet<>();
            for (String name : interfaces) {
                LinkInfo.checkName(name);
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("interface '" + name + "' is listed twice");
                }
            }
        }
    }

    /** One rule's counter, as {@code nft list table} shows it. */
    public record RuleCounter(String chain, String comment, long packets, long bytes) {
    }

    /**
     * Installs {@code rules} in table {@code netdev table}, first removing a stale table of that
     * name left by a run that did not exit cleanly (logged as a warning).
     *
     * @throws KernelCommandException when {@code nft} is missing (saying to install nftables) or
     *         rejects the rules (with its error message)
     */
    public static NftGuard install(CommandRunner runner, String table, Rules rules) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("nftables table name must match " + TABLE_NAME.pattern()
                    + ", was '" + table + "'");
        }
        runner.requireTool("nft", "nftables");
        NftGuard guard = new NftGuard(runner, table);
        if (guard.exists()) {
            LOG.log(System.Logger.Level.WARNING, staleTableWarning(table, runner));
        }
        guard.apply(rules);
        return guard;
    }

    /** The warning for a table of that name found in the runner's namespace at install. */
    static String staleTableWarning(String table, CommandRunner runner) {
        return "removing stale nftables table netdev " + table + " in the " + runner
                + ", left by an earlier run that did not exit cleanly";
    }

    /** Installs {@code rules} in the {@link #DEFAULT_TABLE}, in this process's network namespace. */
    public static NftGuard install(Rules rules) {
        return install(CommandRunner.root(), DEFAULT_TABLE, rules);
    }

    /** The table's name (family {@code netdev}). */
    public String table() {
        return table;
    }

    /**
     * Replaces the whole rule set, atomically, e.g. after a reload changed the services.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void apply(Rules rules) {
        if (closed) {
            throw new IllegalStateException("the guard of table netdev " + table + " is closed");
        }
        String script = script(table, rules);
        CommandRunner.Result result = runner.run(List.of("nft", "-f", "-"), script);
        if (!result.ok()) {
            throw new KernelCommandException("nft could not install the jlvs rules in table netdev " + table
                    + " (" + runner + "): " + result.diagnostic() + "\nrule set was:\n" + script);
        }
        installed = true;
    }

    /** Whether table {@code netdev <table>} exists now, whoever made it. */
    public boolean exists() {
        String tables = runner.check(List.of("nft", "list", "tables", "netdev"), null);
        for (String line : tables.split("\n")) {
            if (line.strip().equals("table netdev " + table)) {
                return true;
            }
        }
        return false;
    }

    /** The counters of the installed rules, in rule order. */
    public List<RuleCounter> counters() {
        return parseCounters(runner.check(List.of("nft", "list", "table", "netdev", table), null));
    }

    /** Deletes the table when the JVM shuts down, unless {@link #close()} did it first. */
    public synchronized NftGuard removeOnShutdown() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::removeAtExit, "jlvs-nft-guard-cleanup");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

    /** Deletes the table (a no-op when it is already gone); safe to call more than once. */
    @Override
    public synchronized void close() {
        closed = true;
        remove();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting and runs the hook, which finds the table already removed.
            }
            shutdownHook = null;
        }
    }

    private void removeAtExit() {
        try {
            remove();
        } catch (KernelCommandException e) {
            LOG.log(System.Logger.Level.ERROR, e.getMessage() + "; remove it with 'nft delete table netdev "
                    + table + "'");
        }
    }

    private synchronized void remove() {
        if (!installed) {
            return;
        }
        String script = "table netdev " + table + "\ndelete table netdev " + table + "\n";
        CommandRunner.Result result = runner.run(List.of("nft", "-f", "-"), script);
        if (!result.ok()) {
            throw new KernelCommandException("nft could not delete table netdev " + table + " (" + runner + "): "
                    + result.diagnostic());
        }
        installed = false;
    }

    /**
     * The {@code nft -f} script that replaces table {@code netdev table} with {@code rules}:
     * declare the table (so the delete cannot fail), delete it, create it anew.
     */
    public static String script(String table, Rules rules) {
        StringBuilder out = new StringBuilder();
        out.append("table netdev ").append(table).append('\n');
        out.append("delete table netdev ").append(table).append('\n');
        out.append("table netdev ").append(table).append(" {\n");
        Set<String> chains = new HashSet<>();
        for (String device : rules.interfaces()) {
            String chain = chainName(device, chains);
            out.append("\tchain ").append(chain).append(" {\n");
            out.append("\t\ttype filter hook ingress device \"").append(device).append("\" priority ")
                    .append(PRIORITY).append("; policy accept;\n");
            for (OwnedFlow flow : rules.flows()) {
                out.append("\t\t").append(flowRule(flow)).append('\n');
            }
            for (NatServer server : rules.natServers()) {
                out.append("\t\t").append(natRule(server)).append('\n');
            }
            out.append("\t}\n");
        }
        out.append("}\n");
        return out.toString();
    }

    static String flowRule(OwnedFlow flow) {
        String proto = flow.protocol().name().toLowerCase(Locale.ROOT);
        String daddr = Ipv4.format(flow.address()) + (flow.prefixLength() == 32 ? "" : "/" + flow.prefixLength());
        String match = flow.port() == 0 ? "ip protocol " + proto : proto + " dport " + flow.port();
        String kind = flow.fwmark() != 0 ? "" : "service ";
        return "ip daddr " + daddr + " " + match + " counter drop comment \"" + kind + flow.describe() + "\"";
    }

    static String natRule(NatServer server) {
        String proto = server.protocol().name().toLowerCase(Locale.ROOT);
        String match = server.port() == 0 ? "ip protocol " + proto : proto + " sport " + server.port();
        return "ip saddr " + Ipv4.format(server.address()) + " " + match
                + " fib daddr type != local counter drop comment \"nat reply " + server.describe() + "\"";
    }

    private static String chainName(String device, Set<String> taken) {
        String base = "ingress_" + device.replaceAll("[^A-Za-z0-9_]", "_");
        String name = base;
        for (int i = 2; !taken.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** Parses the counters of {@code nft list table} output, in rule order. */
    static List<RuleCounter> parseCounters(String listing) {
        List<RuleCounter> counters = new ArrayList<>();
        String chain = "";
        for (String line : listing.split("\n")) {
            Matcher chainLine = CHAIN.matcher(line);
            if (chainLine.find()) {
                chain = chainLine.group(1);
                continue;
            }
            Matcher counter = COUNTER.matcher(line);
            if (counter.find()) {
                Matcher comment = COMMENT.matcher(line);
                counters.add(new RuleCounter(chain, comment.find() ? comment.group(1) : "",
                        Long.parseLong(counter.group(1)), Long.parseLong(counter.group(2))));
            }
        }
        return counters;
    }
}
