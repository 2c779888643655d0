package io.jlvs.director.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/** The built-in real server answers every request with its name, on loopback. */
class HttpdTest {
    @Test
    void answersEveryPathWithItsNameAndANewline() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Httpd httpd = new Httpd(new PrintStream(log, true, StandardCharsets.UTF_8));
        httpd.name = "rs2";
        httpd.bind = "127.0.0.1";
        httpd.port = freePort();
        HttpServer server = httpd.start();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (String path : new String[] {"/", "/index.html", "/a/b?c=d"}) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpd.port + path)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), path);
                assertEquals("rs2\n", response.body(), path);
                assertEquals("text/plain", response.headers().firstValue("Content-Type").orElse(""), path);
            }
        } finally {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
        assertEquals("httpd rs2 listening on 127.0.0.1:" + httpd.port + "\n", log.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
