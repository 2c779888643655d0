package io.jlvs.director;

import io.jlvs.director.importer.ImportCommand;
import io.jlvs.director.tools.Decap;
import io.jlvs.director.tools.Flood;
import io.jlvs.director.tools.Httpd;
import io.jlvs.director.tools.PcapReplay;
import io.jlvs.director.tools.SchedulerList;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/jlvs}: dispatches the tool subcommands that run on the
 * director's JVM ({@code demo}, {@code httpd}, {@code decap}, {@code import}, {@code flood},
 * {@code schedulers}, {@code pcap}). The launcher script handles the others.
 */
@Command(name = "jlvs", mixinStandardHelpOptions = true,
        description = "jlvs tools: a user-space IPVS director.",
        subcommands = {Demo.class, Httpd.class, Decap.class, ImportCommand.class, Flood.class,
                SchedulerList.class, PcapReplay.class})
public final class JlvsTool implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new JlvsTool()).execute(args));
    }
}
