package io.jlvs.director;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.sched.Schedulers;
import io.jlvs.sched.ServiceScheduling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jlvs demo --simulate}: the IPVS schedulers at work on a built-in two-server service,
 * pick by pick, as the kernel would choose. It forwards no traffic, and the output says so;
 * {@code jlvs demo} without {@code --simulate} runs the DR lab with jlvsd ({@code lab/demo.sh}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show the IPVS schedulers picking real servers for a built-in service.")
final class Demo implements Callable<Integer> {
    private static final String VIP = "192.168.188.100";
    private static final int PORT = 80;

    @Option(names = "--picks", description = "Picks per scheduler (1..100, default ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int picks;

    private final PrintStream out;

    Demo() {
        this(System.out);
    }

    Demo(PrintStream out) {
        this.out = out;
    }

    /** One demo row: a scheduler and how its picks are driven. */
    private record Row(String scheduler, String note, boolean holdConnections, boolean manyClients) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("rr", "round robin: weights only switch a server on or off", false, false),
            new Row("wrr", "weighted round robin: 3 picks of rs1 per pick of rs2 (first round is plain rr)", false, false),
            new Row("wlc", "weighted least-connection: each pick keeps its connection open", true, false),
            new Row("sh", "source hashing: one client per pick, 203.0.113.1, .2, ...", false, true),
            new Row("mh", "Maglev hashing: one client per pick, 203.0.113.1, .2, ...", false, true));

    @Override
    public Integer call() {
        if (picks < 1 || picks > 100) {
            System.err.println("jlvs demo: --picks must be 1..100, was " + picks);
            return 2;
        }
        out.println("jlvs demo: the IPVS schedulers choosing real servers for new connections.");
        out.println("This is a simulation of the scheduling step only: no packets are forwarded");
        out.println("(run 'jlvs demo' as root, without --simulate, to see jlvsd forward in the DR lab).");
        out.println();
        out.println("Service TCP " + VIP + ":" + PORT + ", real servers added rs1 then rs2");
        out.println("  rs1 192.168.188.81:80  weight 3");
        out.println("  rs2 192.168.188.82:80  weight 1");
        out.println("The kernel keeps them newest first (rs2, rs1); ties go to the earlier one.");
        out.println();
        int vip = Ipv4.parse(VIP);
        for (Row row : ROWS) {
            ServiceScheduling service = new ServiceScheduling(Schedulers.create(row.scheduler(), 0));
            Destination rs1 = new Destination(Ipv4.parse("192.168.188.81"), PORT, ForwardingMethod.ROUTE, 3);
            Destination rs2 = new Destination(Ipv4.parse("192.168.188.82"), PORT, ForwardingMethod.ROUTE, 1);
            service.add(rs1);
            service.add(rs2);
            StringBuilder line = new StringBuilder(String.format("%-4s", row.scheduler()));
            for (int i = 0; i < picks; i++) {
                int client = Ipv4.parse("203.0.113." + (row.manyClients() ? 1 + i : 1));
                Destination d = service.schedule(client, 40000 + i, vip, PORT, 0);
                if (d != null && row.holdConnections()) {
                    d.bindConn(false, true);
                }
                line.append(' ').append(d == rs1 ? "rs1" : d == rs2 ? "rs2" : "none");
            }
            out.println(line);
            out.println("     " + row.note());
        }
        return 0;
    }
}
