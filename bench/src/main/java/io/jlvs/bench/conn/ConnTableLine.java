package io.jlvs.bench.conn;

import io.jlvs.core.conn.ConnTable;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/jlvs bench conntable --entries N}: the connection table's figures in one line —
 * bytes per entry, and lookups per second on one core (hit, miss, batched hit), from
 * {@link ConnTableBench} run by JMH with forks and iterations enough for an error bar.
 */
@Command(name = "jlvs bench conntable", mixinStandardHelpOptions = true,
        description = "Prints bytes per entry and lookups per second per core of a connection table of N entries.")
public final class ConnTableLine implements Callable<Integer> {
    @Option(names = "--entries", required = true, paramLabel = "N",
            description = "entries in the table (1000..268431360)")
    int entries;

    @Option(names = "--forks", defaultValue = "3", paramLabel = "F", description = "JMH forks (default 3)")
    int forks;

    @Option(names = "--iterations", defaultValue = "5", paramLabel = "I",
            description = "measured one-second iterations per fork (default 5)")
    int iterations;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ConnTableLine());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("jlvs bench conntable: " + e.getMessage());
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws RunnerException {
        if (entries < 1000 || entries > ConnTable.MAX_CAPACITY - 4096) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--entries must be 1000.." + (ConnTable.MAX_CAPACITY - 4096) + ", was " + entries);
        }
        if (forks < 1 || iterations < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--forks and --iterations must be >= 1");
        }
        Options options = new OptionsBuilder()
                .include(ConnTableBench.class.getName() + "\\.lookup(Hit|Miss|Batch)$")
                .param("entries", Integer.toString(entries))
                .forks(forks).threads(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-D" + ConnTableBench.QUIET + "=true")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        long bytes = ConnTable.bytesFor(entries);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "connection table, %d entries: %.1f bytes each (%.1f MiB); lookups per second on one core:",
                entries, bytes / (double) entries, bytes / (double) (1 << 20)));
        String separator = " ";
        for (String name : new String[] {"lookupHit", "lookupMiss", "lookupBatch"}) {
            for (RunResult run : results) {
                if (run.getParams().getBenchmark().endsWith("." + name)) {
                    line.append(separator).append(figure(name, run.getPrimaryResult()));
                    separator = ", ";
                }
            }
        }
        System.out.println(line.append(String.format(Locale.ROOT,
                " (JMH: %d fork%s of %d one-second iterations; errors at 99.9 %%)", forks, forks == 1 ? "" : "s",
                iterations)));
        return 0;
    }

    /** "hit 5.12 M ± 3 %" (lookups per second, error at 99.9 %) from a result in nanoseconds per lookup. */
    private static String figure(String name, Result<?> result) {
        double ns = result.getScore();
        String label = switch (name) {
            case "lookupHit" -> "hit";
            case "lookupMiss" -> "miss";
            default -> "batched hit (" + ConnTableBench.BATCH + " at once)";
        };
        String figure = String.format(Locale.ROOT, "%s %.2f M", label, 1e3 / ns);
        return Double.isNaN(result.getScoreError()) ? figure + " (too few iterations for an error bar)"
                : figure + String.format(Locale.ROOT, " ± %.0f %%", 100 * result.getScoreError() / ns);
    }
}
