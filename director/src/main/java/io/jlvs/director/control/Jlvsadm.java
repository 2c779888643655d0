package io.jlvs.director.control;

import io.jlvs.director.adm.AdmCommandKind;
import io.jlvs.director.adm.AdmFormatter;
import io.jlvs.director.adm.AdmParser;
import io.jlvs.director.adm.AdmResult;
import io.jlvs.director.adm.RestoreReader;
import io.jlvs.config.model.GlobalSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code jlvsadm [--socket PATH] IPVSADM-ARGS...}: ipvsadm for jlvsd. Sends the arguments
 * (and, for {@code -R}, standard input) to the daemon's control socket, prints what it
 * answers and exits with its status. Arguments that do not parse are answered here with
 * ipvsadm's message, without the daemon, and so are {@code -h}/{@code --help} and
 * {@code -v}/{@code --version} (status 0), as ipvsadm answers them without the kernel module.
 * Besides ipvsadm's commands: {@code --reload}
 * (re-read the service file) and {@code --save-yaml [FILE]} (the running set as a service
 * file, on stdout or into FILE).
 *
 * <p>{@code -R} input is checked before it is sent: a line longer than
 * {@link RestoreReader#MAX_LINE_CHARS} characters, or input larger than a request may carry
 * ({@link ControlCodec#MAX_FRAME_BYTES}), is refused here with one line and status 2, and
 * nothing is restored.
 *
 * <p>The socket is {@code --socket PATH}, else {@code $JLVS_CONTROL_SOCKET}, else
 * {@value GlobalSettings#DEFAULT_CONTROL_SOCKET}. When no daemon answers, one line says why
 * and the status is 2.
 */
public final class Jlvsadm {
    /** Status when the daemon cannot be reached or answers garbage. */
    static final int EXIT_NO_DAEMON = 2;
    /** The name the help prints. */
    static final String PROGRAM = "jlvsadm";
    /** The environment variable naming the socket. */
    static final String SOCKET_ENV = "JLVS_CONTROL_SOCKET";

    private Jlvsadm() {
    }

    /** Runs one command and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.in, System.out, System.err));
    }

    /**
     * Runs one command.
     *
     * @return the exit status
     */
    static int run(List<String> args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        List<String> argv = new ArrayList<>(args);
        String socket = env.getOrDefault(SOCKET_ENV, GlobalSettings.DEFAULT_CONTROL_SOCKET);
        for (int i = 0; i < argv.size(); i++) {
            String word = argv.get(i);
            if (word.equals("--socket") && i + 1 < argv.size()) {
                socket = argv.get(i + 1);
                argv.subList(i, i + 2).clear();
                break;
            }
            if (word.startsWith("--socket=")) {
                socket = word.substring("--socket=".length());
                argv.remove(i);
                break;
            }
        }
        String yamlFile = null;
        String stdin = "";
        if (!argv.isEmpty() && argv.getFirst().equals(ControlCommands.SAVE_YAML)) {
            if (argv.size() > 2) {
                err.println("jlvsadm: usage: jlvsadm --save-yaml [FILE]");
                return EXIT_NO_DAEMON;
            }
            yamlFile = argv.size() == 2 ? argv.get(1) : null;
            argv = List.of(ControlCommands.SAVE_YAML);
        } else if (!argv.equals(List.of(ControlCommands.RELOAD))) {
            AdmResult parsed = new AdmParser().parse(argv);
            if (parsed instanceof AdmResult.Failed failed) {
                err.println(failed.message());
                return failed.exitCode();
            }
            AdmCommandKind kind = ((AdmResult.Parsed) parsed).command().kind();
            if (kind == AdmCommandKind.HELP || kind == AdmCommandKind.VERSION) {
                out.print(kind == AdmCommandKind.HELP ? AdmFormatter.usage(PROGRAM) : AdmFormatter.version());
                out.flush();
                return 0;
            }
            if (kind == AdmCommandKind.RESTORE) {
                byte[] input;
                try {
                    input = in.readNBytes(ControlCodec.MAX_FRAME_BYTES + 1);
                } catch (IOException e) {
                    err.println("jlvsadm: cannot read standard input: " + e.getMessage());
                    return EXIT_NO_DAEMON;
                }
                stdin = new String(input, StandardCharsets.UTF_8);
                Optional<RestoreReader.LineError> tooLong = RestoreReader.firstTooLong(stdin);
                if (tooLong.isPresent()) {
                    err.println("jlvsadm: " + tooLong.get().message() + "; nothing restored");
                    return tooLong.get().exitCode();
                }
            }
        }
        ControlRequest request = new ControlRequest(argv, stdin);
        if (ControlCodec.encode(request).length > ControlCodec.MAX_FRAME_BYTES) {
            err.println("jlvsadm: the input is larger than the " + ControlCodec.MAX_FRAME_BYTES
                    + " bytes one request may carry; nothing restored: restore it in parts");
            return EXIT_NO_DAEMON;
        }
        ControlResponse response;
        try {
            response = call(Path.of(socket), request);
        } catch (IOException e) {
            if (isPermissionDenied(e)) {
                err.println(ControlServer.NOT_ROOT.stderr().strip());
                return ControlServer.NOT_ROOT.exitCode();
            }
            err.println("jlvsadm: cannot reach jlvsd at " + socket + ": " + e.getMessage() + "; is jlvsd running?");
            return EXIT_NO_DAEMON;
        }
        if (yamlFile != null && response.exitCode() == 0) {
            try {
                Files.writeString(Path.of(yamlFile), response.stdout());
            } catch (NoSuchFileException e) {
                err.println("jlvsadm: cannot write " + yamlFile + ": its directory does not exist");
                return EXIT_NO_DAEMON;
            } catch (AccessDeniedException e) {
                err.println("jlvsadm: cannot write " + yamlFile + ": permission denied");
                return EXIT_NO_DAEMON;
            } catch (IOException e) {
                err.println("jlvsadm: cannot write " + yamlFile + ": " + e.getMessage());
                return EXIT_NO_DAEMON;
            }
        } else {
            out.print(response.stdout());
        }
        out.flush();
        err.print(response.stderr());
        err.flush();
        return response.exitCode();
    }

    /** The control socket is root's only: a refused connection is ipvsadm's "you must be root". */
    static boolean isPermissionDenied(IOException e) {
        return e instanceof AccessDeniedException || String.valueOf(e.getMessage()).contains("Permission denied");
    }

    /**
     * Sends one request and reads the response.
     *
     * @throws IOException when the socket cannot be reached or the answer is malformed
     */
    public static ControlResponse call(Path socket, ControlRequest request) throws IOException {
        byte[] body = ControlCodec.encode(request);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer frame = ByteBuffer.allocate(ControlCodec.LENGTH_BYTES + body.length);
            frame.putInt(body.length).put(body).flip();
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            ByteBuffer length = readFully(channel, ControlCodec.LENGTH_BYTES);
            int lengthBytes = length.getInt();
            if (lengthBytes < 0 || lengthBytes > ControlCodec.MAX_FRAME_BYTES) {
                throw new IOException("answer of " + lengthBytes + " bytes is out of range");
            }
            return ControlCodec.decodeResponse(readFully(channel, lengthBytes).array());
        }
    }

    private static ByteBuffer readFully(SocketChannel channel, int bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("connection closed after " + buffer.position() + " of " + bytes + " bytes");
            }
        }
        return buffer.flip();
    }
}
