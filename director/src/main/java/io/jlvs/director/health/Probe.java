package io.jlvs.director.health;

import io.jlvs.config.model.HealthCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One check of one server: a TCP connect, or an HTTP/1.1 GET whose response status is
 * compared with the expected one, all within the check's timeout. Runs on the event loop
 * it is given; the callback is called exactly once, on that loop.
 */
final class Probe {
    /** The outcome of a check: {@code reason} says why it failed, {@code null} when it passed. */
    @FunctionalInterface
    interface Callback {
        void done(String failureReason);
    }

    private final EventLoop loop;
    private final HealthCheck check;
    private final InetSocketAddress target;
    private final Callback callback;
    private ScheduledFuture<?> timer;
    private Channel channel;
    private boolean finished;

    private Probe(EventLoop loop, HealthCheck check, InetSocketAddress target, Callback callback) {
        this.loop = loop;
        this.check = check;
        this.target = target;
        this.callback = callback;
    }

    /** Starts a check of {@code target} on {@code loop}; call on that loop. */
    static void start(EventLoop loop, HealthCheck check, InetSocketAddress target, Callback callback) {
        new Probe(loop, check, target, callback).run();
    }

    private void run() {
        timer = loop.schedule(() -> finish(check.type() == HealthCheck.Type.TCP ? "connect timeout"
                : channel != null && channel.isActive() ? "no response within " + check.timeoutMs() + " ms"
                : "connect timeout"), check.timeoutMs(), TimeUnit.MILLISECONDS);
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, check.timeoutMs()))
                .option(ChannelOption.SO_LINGER, 0)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (check.type() == HealthCheck.Type.HTTP) {
                            ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler());
                        }
                    }
                });
        ChannelFuture connect = bootstrap.connect(target);
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                finish(reason(f.cause()));
            } else if (check.type() == HealthCheck.Type.TCP) {
                finish(null);
            } else {
                DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                        check.path());
                request.headers().set(HttpHeaderNames.HOST, target.getHostString() + ":" + target.getPort())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                        .set(HttpHeaderNames.USER_AGENT, "jlvs-health-check");
                channel.writeAndFlush(request).addListener(w -> {
                    if (!w.isSuccess()) {
                        finish("request not sent: " + reason(w.cause()));
                    }
                });
                channel.closeFuture().addListener(c -> finish("connection closed before a response"));
            }
        });
    }

    private void finish(String failureReason) {
        if (finished) {
            return;
        }
        finished = true;
        timer.cancel(false);
        if (channel != null) {
            channel.close();
        }
        callback.done(failureReason);
    }

    static String reason(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "connect timeout";
        }
        if (cause instanceof ConnectException) {
            String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("refused")) {
                return "connect refused";
            }
            if (message.contains("unreachable")) {
                return "unreachable";
            }
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Reads the status line and ends the check; the body is not read. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse response) {
                int status = response.status().code();
                finish(status == check.expectStatus() ? null
                        : "HTTP status " + status + ", expected " + check.expectStatus());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(reason(cause));
        }
    }
}
