package io.jlvs.director.tools;

import io.jlvs.sched.Schedulers;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code jlvs schedulers}: the scheduler names jlvs knows ({@link Schedulers#names()}), one a
 * line, sorted. Scripts that need the list (the lab's {@code --scheduler} check) ask this
 * rather than keep a copy.
 */
@Command(name = "schedulers", mixinStandardHelpOptions = true,
        description = "Print the scheduler names (the values of -s and of a service's scheduler), one a line.")
public final class SchedulerList implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String name : Schedulers.names()) {
            out.println(name);
        }
        out.flush();
        return 0;
    }
}
