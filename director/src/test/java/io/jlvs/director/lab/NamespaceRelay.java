package io.jlvs.director.lab;

import io.jlvs.dataplane.sys.NetNamespace;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay from this process's loopback into a lab namespace: connections made to
 * {@code 127.0.0.1:}{@link #port()} here are carried to an address as seen from inside the named
 * network namespace (such as the lab jlvsd's metrics endpoint on the director's own loopback).
 * No link is added to this process's namespace: each outgoing socket is created inside the lab
 * namespace ({@link NetNamespace}), since a socket belongs to the namespace it was created in.
 */
final class NamespaceRelay implements AutoCloseable {
    private final String namespace;
    private final InetSocketAddress target;
    private final ServerSocketChannel listener;
    private final Thread acceptor;

    private NamespaceRelay(String namespace, InetSocketAddress target) throws IOException {
        this.namespace = namespace;
        this.target = target;
        this.listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofPlatform().daemon().name("relay-" + namespace).start(this::accept);
    }

    /** Starts relaying to {@code target} in {@code namespace} ({@code /run/netns/NAME}). */
    static NamespaceRelay to(String namespace, InetSocketAddress target) throws IOException {
        return new NamespaceRelay(namespace, target);
    }

    /** The loopback port it listens on. */
    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void accept() {
        while (listener.isOpen()) {
            try {
                SocketChannel inbound = listener.accept();
                SocketChannel outbound = socketInNamespace();
                try {
                    outbound.connect(target);
                } catch (IOException e) {
                    inbound.close();
                    outbound.close();
                    continue;
                }
                AtomicInteger directions = new AtomicInteger(2);
                Thread.ofVirtual().start(() -> pump(inbound, outbound, directions));
                Thread.ofVirtual().start(() -> pump(outbound, inbound, directions));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A new unconnected TCP socket created inside the namespace. */
    private SocketChannel socketInNamespace() throws IOException {
        return NetNamespace.call(namespace, SocketChannel::open);
    }

    /**
     * Copies {@code from} to {@code to} until {@code from} ends, then shuts that way; the last of
     * the two {@code directions} to end closes both sockets.
     */
    private static void pump(SocketChannel from, SocketChannel to, AtomicInteger directions) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
            if (directions.decrementAndGet() > 0) {
                return;
            }
        } catch (IOException e) {
            // A reset or a closed peer: the connection is over both ways.
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing after a failed copy: nothing more to do with it.
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        acceptor.join(5_000);
    }
}
