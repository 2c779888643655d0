package io.jlvs.director.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The files of the live dashboard, read once from the jar: the page ({@code /}), its script and
 * style, and the vendored charting library uPlot with its licence. Only these paths are served;
 * nothing is looked up on disk or by a name taken from a request.
 */
final class DashboardAssets {
    /** One file: its content type and bytes. */
    record Asset(String contentType, byte[] bytes) {
    }

    private static final String BASE = "dashboard/";
    private static final Asset PAGE = load("index.html", "text/html; charset=utf-8");
    private static final Map<String, Asset> ASSETS = Map.of(
            "/", PAGE,
            "/dashboard", PAGE,
            "/dashboard/", PAGE,
            "/dashboard/dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"),
            "/dashboard/dashboard.css", load("dashboard.css", "text/css; charset=utf-8"),
            "/dashboard/uplot/uPlot.iife.min.js", load("uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "/dashboard/uplot/uPlot.min.css", load("uplot/uPlot.min.css", "text/css; charset=utf-8"),
            "/dashboard/uplot/LICENSE", load("uplot/LICENSE", "text/plain; charset=utf-8"));
    /** The page's policy: its own scripts, styles and requests only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

    private DashboardAssets() {
    }

    /** The file served at {@code path} (the page at {@code /} and {@code /dashboard}), if there is one. */
    static Optional<Asset> find(String path) {
        return Optional.ofNullable(ASSETS.get(path));
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the dashboard's " + name);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the dashboard's " + name + " from the jar", e);
        }
    }
}
