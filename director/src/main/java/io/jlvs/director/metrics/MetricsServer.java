package io.jlvs.director.metrics;

import io.jlvs.config.model.Endpoint;
import io.jlvs.director.health.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP metrics endpoint: {@code GET /metrics} (Prometheus text format 0.0.4, or OpenMetrics
 * when asked), {@code GET /status} (JSON; {@code ?history=1} adds the rates' last five minutes)
 * and the live dashboard at {@code GET /}, which polls {@code /status}. It listens where {@code global.metrics-listen} says, which is
 * 127.0.0.1:9180 unless the file names another address. One event-loop thread serves the
 * requests and moves the rate estimates every 2 s.
 */
public final class MetricsServer implements AutoCloseable {
    /** The content type of the text exposition format. */
    public static final String PROMETHEUS_TYPE = PrometheusText.contentType();
    private static final int MAX_REQUEST_BYTES = 8192;
    private static final int IDLE_SECONDS = 30;

    private final MetricsSource source;
    private final EventLoopGroup group;
    private Channel channel;

    private MetricsServer(MetricsSource source) {
        this.source = source;
        this.group = Transport.newGroup("jlvs-metrics");
    }

    /**
     * Binds {@code address} (port 0 for any free port) and starts serving {@code source}.
     *
     * @throws IllegalStateException when the address cannot be bound, with the reason
     */
    public static MetricsServer start(InetSocketAddress address, MetricsSource source) {
        MetricsServer server = new MetricsServer(source);
        try {
            server.bind(address);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bind(InetSocketAddress address) {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(Transport.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS), new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), new Handler());
                    }
                });
        var future = bootstrap.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IllegalStateException("metrics endpoint: cannot listen on " + address.getAddress()
                    .getHostAddress() + ":" + address.getPort() + ": " + future.cause().getMessage()
                    + " (set global.metrics-listen to another address, or false)", future.cause());
        }
        channel = future.channel();
        group.next().scheduleAtFixedRate(source.rates()::update, RateEstimator.PERIOD_MS, RateEstimator.PERIOD_MS,
                TimeUnit.MILLISECONDS);
    }

    /** The socket address of a configured endpoint ({@code global.metrics-listen}). */
    public static InetSocketAddress socketAddress(Endpoint endpoint) {
        return new InetSocketAddress(Transport.inet4(endpoint.address()), endpoint.port());
    }

    /** The address and port it listens on. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops listening and ends the event loop. */
    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Answers one request. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            String path = uri.path();
            FullHttpResponse response;
            if (!request.decoderResult().isSuccess()) {
                response = text(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "bad request\n");
            } else if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                        "only GET and HEAD\n");
                response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else if (path.equals("/metrics")) {
                PrometheusText.Rendered metrics = PrometheusText.render(source,
                        request.headers().get(HttpHeaderNames.ACCEPT));
                response = text(HttpResponseStatus.OK, metrics.contentType(), metrics.text());
            } else if (path.equals("/status")) {
                response = text(HttpResponseStatus.OK, "application/json",
                        StatusJson.render(source, uri.parameters().containsKey("history")));
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            } else {
                response = DashboardAssets.find(path).map(Handler::asset).orElseGet(() -> text(
                        HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        "not found; try / (the dashboard), /metrics or /status\n"));
            }
            if (HttpMethod.HEAD.equals(request.method())) {
                response.content().clear();
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var write = ctx.writeAndFlush(response);
            if (!keepAlive) {
                write.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static FullHttpResponse asset(DashboardAssets.Asset asset) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(asset.bytes()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, asset.bytes().length)
                    .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, DashboardAssets.CONTENT_SECURITY_POLICY)
                    .set("X-Content-Type-Options", "nosniff")
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            return response;
        }

        private static FullHttpResponse text(HttpResponseStatus status, String type, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            return response;
        }
    }
}
