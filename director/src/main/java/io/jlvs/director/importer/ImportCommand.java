package io.jlvs.director.importer;

import io.jlvs.config.TextInput;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.yaml.ServiceFileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code jlvs import ipvsadm|keepalived}: prints the service file for an existing ipvsadm or
 * keepalived configuration on stdout and names on stderr, one line each prefixed
 * {@code jlvs import: }, what it could not translate. Exit status: 0 translated fully, 1
 * translated with things left out or changed (the YAML is still printed), 2 unreadable input
 * or a usage error (nothing printed).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Translate ipvsadm rules or a keepalived.conf into a jlvs service file (YAML on stdout).",
        subcommands = {ImportCommand.Ipvsadm.class, ImportCommand.Keepalived.class},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:translated fully", "1:translated, with things left out or changed (named on stderr)",
                "2:unreadable input or usage error; nothing printed"})
public final class ImportCommand implements Runnable {
    /** What every message on stderr starts with. */
    public static final String PREFIX = "jlvs import: ";

    private final InputStream stdin;

    @Spec
    CommandSpec spec;

    /** Reads {@code -} from standard input. */
    public ImportCommand() {
        this(System.in);
    }

    /** Reads {@code -} from that stream. */
    public ImportCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to import: ipvsadm or keepalived");
    }

    /** The global settings that neither ipvsadm nor keepalived has. */
    static final class GlobalOptions {
        @Option(names = "--interface", paramLabel = "NAME", defaultValue = "eth0", split = ",",
                description = "Data-plane interface(s) for global.interfaces (repeatable; default ${DEFAULT-VALUE}).")
        List<String> interfaces = new ArrayList<>();
    }

    /** What both subcommands have: the parent's standard input, their picocli spec and the global options. */
    abstract static class Subcommand implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        GlobalOptions options = new GlobalOptions();
    }

    /** {@code jlvs import ipvsadm [FILE|-]}. */
    @Command(name = "ipvsadm", mixinStandardHelpOptions = true,
            description = "Translate ipvsadm-save / ipvsadm -S[n] rules (default: standard input).")
    static final class Ipvsadm extends Subcommand {
        @Parameters(arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
                description = "The rules file, or - for standard input (default).")
        String file;

        @Override
        public Integer call() {
            String source = file.equals("-") ? "ipvsadm rules in standard input" : "ipvsadm rules in " + file;
            return translate(spec, file, parent.stdin, source, options,
                    text -> new IpvsadmImporter(IpvsadmImporter.Names.system()).translate(text, options.interfaces));
        }
    }

    /** {@code jlvs import keepalived FILE}. */
    @Command(name = "keepalived", mixinStandardHelpOptions = true,
            description = "Translate the virtual_server blocks of a keepalived.conf.")
    static final class Keepalived extends Subcommand {
        @Parameters(paramLabel = "FILE|-", description = "The keepalived.conf to translate, or - for standard input.")
        String file;

        @Override
        public Integer call() {
            String name = file.equals("-") ? "stdin" : Path.of(file).getFileName().toString();
            return translate(spec, file, parent.stdin, "keepalived configuration " + file, options,
                    text -> KeepalivedImporter.translate(text, name, GlobalSettings.defaults(options.interfaces)));
        }
    }

    /**
     * Reads the input ({@code -}: {@code stdin}), translates it and prints the result; an input
     * that cannot be read is named on stderr with exit status 2.
     */
    static int translate(CommandSpec spec, String file, InputStream stdin, String source, GlobalOptions options,
                         Function<String, ImportResult> importer) {
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> badInterface = interfaceProblem(options.interfaces);
        if (badInterface.isPresent()) {
            err.println(PREFIX + badInterface.get());
            err.flush();
            return ImportResult.EXIT_ERROR;
        }
        String text;
        try {
            text = file.equals("-") ? TextInput.read(stdin, "the input") : TextInput.read(Path.of(file));
        } catch (IOException e) {
            err.println(PREFIX + describe(file, e));
            err.flush();
            return ImportResult.EXIT_ERROR;
        }
        return emit(importer.apply(text), source, options, spec.commandLine().getOut(), err);
    }

    /** Prints the messages on stderr and, unless there are errors, the YAML on stdout; returns the exit status. */
    static int emit(ImportResult result, String source, GlobalOptions options, PrintWriter out, PrintWriter err) {
        for (String line : result.infos()) {
            err.println(PREFIX + line);
        }
        for (String line : result.notes()) {
            err.println(PREFIX + line);
        }
        for (String line : result.errors()) {
            err.println(PREFIX + line);
        }
        if (!result.errors().isEmpty()) {
            err.println(PREFIX + "nothing translated: correct the input and run again");
        }
        err.flush();
        result.file().ifPresent(file -> {
            out.println("# jlvs service file translated by jlvs import from the " + source + ".");
            out.println("# global.interfaces (" + String.join(", ", options.interfaces)
                    + ") comes from --interface; the other global settings are jlvs defaults.");
            out.print(new ServiceFileWriter().write(file));
            out.flush();
        });
        return result.exitCode();
    }

    /**
     * What is wrong with the {@code --interface} names, as the service file's loader would say
     * it (so the YAML printed is YAML jlvsd takes), or empty.
     */
    static Optional<String> interfaceProblem(List<String> interfaces) {
        List<String> seen = new ArrayList<>();
        for (String name : interfaces) {
            Optional<String> problem = GlobalSettings.interfaceNameProblem(name);
            if (problem.isPresent()) {
                return Optional.of("--interface: " + problem.get());
            }
            if (seen.contains(name)) {
                return Optional.of("--interface: interface '" + name + "' is listed twice");
            }
            seen.add(name);
        }
        return Optional.empty();
    }

    private static String describe(String file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "cannot read " + file + ": no such file";
        }
        if (e instanceof CharacterCodingException) {
            return "cannot read " + file + ": it is not UTF-8 text";
        }
        return "cannot read " + file + ": " + e.getMessage();
    }
}
