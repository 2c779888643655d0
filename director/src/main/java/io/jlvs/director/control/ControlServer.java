package io.jlvs.director.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The control socket: a Unix domain socket on Netty's epoll transport, one request and one
 * response per connection ({@link ControlCodec} frames). Only root, or the user jlvsd runs
 * as, may use it: the directory is created 0700, the socket is 0600, and each client's
 * SO_PEERCRED uid is checked; anyone else gets ipvsadm's words for a non-root user.
 *
 * <p>A socket file left by a crash is removed at start (nothing answers on it); a socket
 * that answers belongs to a running jlvsd and start fails. The file is removed on close.
 * Requests run on the one event-loop thread, the control thread.
 */
public final class ControlServer implements AutoCloseable {
    /** What ipvsadm prints for a user who is not root (ipvs_init failing with EPERM), and its status. */
    static final ControlResponse NOT_ROOT = ControlResponse.error("Can't initialize ipvs: Permission denied "
            + "(you must be root)\nAre you sure that IP Virtual Server is built in the kernel or as module?", 2);

    private final Path path;
    private final EventLoopGroup group;
    private final Channel channel;

    private ControlServer(Path path, EventLoopGroup group, Channel channel) {
        this.path = path;
        this.group = group;
        this.channel = channel;
    }

    /**
     * Listens on {@code path}.
     *
     * @param handler runs one request on the control thread and gives the response
     * @throws IOException when epoll is unavailable, the directory or socket cannot be
     *                     made, or another jlvsd answers on the path
     */
    public static ControlServer start(Path path, Function<ControlRequest, ControlResponse> handler)
            throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("control socket " + path + ": Netty epoll is unavailable: "
                    + Epoll.unavailabilityCause());
        }
        prepare(path);
        int ownUid = ownUid();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, runnable -> {
            Thread thread = new Thread(runnable, "jlvsd-control");
            thread.setDaemon(true);
            return thread;
        }, EpollIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                        @Override
                        protected void initChannel(EpollDomainSocketChannel ch) {
                            ch.pipeline().addLast(
                                    new LengthFieldBasedFrameDecoder(ControlCodec.MAX_FRAME_BYTES, 0,
                                            ControlCodec.LENGTH_BYTES, 0, ControlCodec.LENGTH_BYTES),
                                    new LengthFieldPrepender(ControlCodec.LENGTH_BYTES),
                                    new RequestHandler(handler, ownUid));
                        }
                    })
                    .bind(new DomainSocketAddress(path.toString())).sync().channel();
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(path, group, channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("control socket " + path + ": interrupted while binding", e);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("control socket " + path + ": " + e.getMessage(), e);
        }
    }

    /** Creates the directory (0700) if missing and removes a stale socket. */
    private static void prepare(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException("control socket " + path + " exists and is not a socket; remove it or choose "
                    + "another global.control-socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException refused) {
            Files.delete(path);
            return;
        }
        throw new IOException("control socket " + path + " is in use: another jlvsd is running");
    }

    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** The socket path. */
    public Path path() {
        return path;
    }

    /** Runs {@code task} on the control thread every {@code periodMs}, first after one period. */
    public ScheduledFuture<?> every(long periodMs, Runnable task) {
        return group.next().scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the control thread. */
    public void submit(Runnable task) {
        group.next().execute(task);
    }

    /** Stops listening, ends the control thread and removes the socket file. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove control socket " + path + ": " + e.getMessage(), e);
        }
    }

    /** Checks the client's uid, decodes one request, runs it and answers, then closes. */
    private static final class RequestHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final Function<ControlRequest, ControlResponse> handler;
        private final int ownUid;

        RequestHandler(Function<ControlRequest, ControlResponse> handler, int ownUid) {
            this.handler = handler;
            this.ownUid = ownUid;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            ControlResponse response;
            try {
                PeerCredentials peer = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
                if (peer.uid() != 0 && peer.uid() != ownUid) {
                    response = NOT_ROOT;
                } else {
                    response = handler.apply(ControlCodec.decodeRequest(ByteBufUtil.getBytes(frame)));
                }
            } catch (IOException e) {
                response = ControlResponse.error("jlvsd: bad request: " + e.getMessage(), 2);
            } catch (RuntimeException e) {
                response = ControlResponse.error("jlvsd: internal error: " + e, 2);
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ControlCodec.encode(response)))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            String reason = cause instanceof TooLongFrameException ? "request larger than "
                    + ControlCodec.MAX_FRAME_BYTES + " bytes" : String.valueOf(cause.getMessage());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ControlCodec.encode(
                    ControlResponse.error("jlvsd: bad request: " + reason, 2))))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
