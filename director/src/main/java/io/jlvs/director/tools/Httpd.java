package io.jlvs.director.tools;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jlvs httpd}: a tiny HTTP server that answers every request with its name and a
 * newline ({@code rs1\n}), the real server of the lab when nginx is not installed. It runs
 * until SIGTERM or SIGINT.
 */
@Command(name = "httpd", mixinStandardHelpOptions = true,
        description = "Answer every HTTP request with this server's name (the lab's built-in real server).")
public final class Httpd implements Callable<Integer> {
    private static final int BACKLOG = 128;
    private static final int THREADS = 2;

    @Option(names = "--name", required = true, description = "The name to answer with, e.g. rs1.")
    String name;

    @Option(names = "--port", defaultValue = "80", description = "TCP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    private final PrintStream out;

    /** Reports to standard output. */
    public Httpd() {
        this(System.out);
    }

    Httpd(PrintStream out) {
        this.out = out;
    }

    /** Starts the server and returns it; {@link #call()} also waits for a signal. */
    HttpServer start() throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be 1..65535, was " + port);
        }
        byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), BACKLOG);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        s.setExecutor(pool);
        s.createContext("/", exchange -> answer(exchange, body));
        s.start();
        out.println("httpd " + name + " listening on " + bind + ":" + port);
        out.flush();
        return s;
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody(); OutputStream response = exchange.getResponseBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                response.write(body);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        HttpServer s;
        try {
            s = start();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("jlvs httpd: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.stop(0);
            ((ExecutorService) s.getExecutor()).shutdownNow();
            stopped.countDown();
        }, "httpd-stop"));
        stopped.await();
        return 0;
    }
}
