package io.jlvs.director.importer;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.yaml.ServiceFileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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

    /** {@code jlvs import ipvsadm [FILE|-]}. */
    @Command(name = "ipvsadm", mixinStandardHelpOptions = true,
            description = "Translate ipvsadm-save / ipvsadm -S[n] rules (default: standard input).")
    static final class Ipvsadm implements Callable<Integer> {
        @ParentCommand
        ImportCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        GlobalOptions options = new GlobalOptions();

        @Parameters(arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
                description = "The rules file, or - for standard input (default).")
        String file;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            String text;
            try {
                text = file.equals("-") ? decode(parent.stdin.readAllBytes()) : read(Path.of(file));
            } catch (IOException e) {
                err.println(PREFIX + describe(file, e));
                err.flush();
                return ImportResult.EXIT_ERROR;
            }
            String source = file.equals("-") ? "standard input" : file;
            ImportResult result = new IpvsadmImporter(IpvsadmImporter.Names.system()).translate(text, options.interfaces);
            return emit(result, "ipvsadm rules in " + source, options, spec.commandLine().getOut(), err);
        }
    }

    /** {@code jlvs import keepalived FILE}. */
    @Command(name = "keepalived", mixinStandardHelpOptions = true,
            description = "Translate the virtual_server blocks of a keepalived.conf.")
    static final class Keepalived implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        GlobalOptions options = new GlobalOptions();

        @Parameters(paramLabel = "FILE", description = "The keepalived.conf to translate.")
        String file;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            String text;
            try {
                text = read(Path.of(file));
            } catch (IOException e) {
                err.println(PREFIX + describe(file, e));
                err.flush();
                return ImportResult.EXIT_ERROR;
            }
            String name = Path.of(file).getFileName().toString();
            ImportResult result = KeepalivedImporter.translate(text, name,
                    GlobalSettings.defaults(options.interfaces));
            return emit(result, "keepalived configuration " + file, options, spec.commandLine().getOut(), err);
        }
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

    /** The file's text, refused when it is not UTF-8. */
    static String read(Path file) throws IOException {
        return decode(Files.readAllBytes(file));
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
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
