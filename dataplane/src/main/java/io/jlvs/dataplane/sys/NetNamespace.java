package io.jlvs.dataplane.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Work done inside a named network namespace ({@code /run/netns/NAME}, as {@code ip netns} makes
 * them) from a process that stays in its own: a short-lived platform thread enters the namespace
 * ({@code setns}), runs the action and ends, so no other thread changes namespace. What the action
 * creates that belongs to a namespace (a socket) keeps belonging to that one, and may be used from
 * any thread afterwards. Control path only.
 */
public final class NetNamespace {
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x4000_0000;

    /** An action that may fail with an I/O error of its own kind. */
    @FunctionalInterface
    public interface Action<T, E extends IOException> {
        T run() throws E;
    }

    private NetNamespace() {
    }

    /**
     * Runs {@code action} on a thread inside network namespace {@code namespace} and returns
     * its result.
     *
     * @throws IllegalArgumentException for a name that is not one ({@code ""}, {@code ..}, a path)
     * @throws NativeException          for a namespace that cannot be entered: {@code open} or
     *                                  {@code setns} and its errno ({@code ENOENT} when there is none)
     * @throws E                        what the action threw
     */
    public static <T, E extends IOException> T call(String namespace, Action<T, E> action)
            throws E, NativeException {
        if (namespace.isEmpty() || namespace.contains("/") || namespace.equals(".") || namespace.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: '" + namespace + "'");
        }
        Path path = NETNS_DIR.resolve(namespace);
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread entering = Thread.ofPlatform().name("jlvs-netns-" + namespace).start(() -> {
            try {
                enter(path);
                result.set(action.run());
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            entering.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NativeException("setns(" + path + ")", Errno.EINTR);
        }
        Throwable thrown = failure.get();
        if (thrown instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (thrown != null) {
            throw NetNamespace.<E>sneaky(thrown);
        }
        return result.get();
    }

    /** Moves the calling thread into the namespace at {@code path}. */
    private static void enter(Path path) throws NativeException {
        if (!Files.exists(path)) {
            throw new NativeException("open(" + path + ")", Errno.ENOENT);
        }
        try (Arena local = Arena.ofConfined()) {
            int fd = LibC.open(local.allocateFrom(path.toString()), O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new NativeException("open(" + path + ")", -fd);
            }
            int r = LibC.setns(fd, CLONE_NEWNET);
            LibC.close(fd);
            if (r < 0) {
                throw new NativeException("setns(" + path + ", CLONE_NEWNET)", -r);
            }
        }
    }

    /** Rethrows {@code thrown}, the action's {@code E} or entering's {@link NativeException}, both declared. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable thrown) throws E {
        throw (E) thrown;
    }
}
