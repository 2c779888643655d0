package io.jlvs.dataplane.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.jlvs.core.net.Ipv4;
import io.jlvs.dataplane.sys.Errno;
import io.jlvs.dataplane.sys.NativeException;
import io.jlvs.dataplane.sys.NetlinkSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's routes, links and IPv4 neighbours through rtnetlink, in the namespace of a
 * {@link CommandRunner}, without starting a process: what {@code ip route get}, {@code ip link
 * show}, {@code ip route show table main}, {@code ip neigh show} and {@code ip neigh replace ...
 * use} do, as netlink requests ({@code RTM_GETROUTE}, {@code RTM_GETLINK}, {@code RTM_GETNEIGH},
 * {@code RTM_NEWNEIGH} with {@code NTF_USE}). {@link Changes} subscribes to the kernel's
 * notifications, so a changed neighbour or route is known as it happens.
 *
 * <p>Control path: each request allocates its answer; one request at a time (synchronized).
 */
public final class RtNetlink implements AutoCloseable {
    /** A neighbour entry: address (host byte order), MAC, interface index, {@code NUD_*} state. */
    public record Neighbour(int address, long mac, int interfaceIndex, int state) {
        /** Whether the kernel would send to this MAC now or after a probe ({@code NUD_VALID}). */
        public boolean isValid() {
            return mac != 0 && (state & NUD_VALID) != 0;
        }
    }

    /** A route of the main table: prefix and length, gateway (0: on-link), interface index, {@code RTN_*} type. */
    public record RouteEntry(int prefix, int length, int gateway, int interfaceIndex, int type) {
    }

    static final int NLMSG_HEADER_BYTES = 16;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_DUMP = 0x300;
    private static final int NLM_F_REPLACE = 0x100;
    private static final int NLM_F_CREATE = 0x400;
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    private static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    private static final int RTM_GETROUTE = 26;
    static final int RTM_NEWNEIGH = 28;
    static final int RTM_DELNEIGH = 29;
    private static final int RTM_GETNEIGH = 30;
    private static final int AF_INET = 2;
    private static final int IFINFOMSG_BYTES = 16;
    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int RTMSG_BYTES = 12;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PREFSRC = 7;
    private static final int RTA_METRICS = 8;
    private static final int RTA_MULTIPATH = 9;
    private static final int RTA_TABLE = 15;
    private static final int RTAX_MTU = 2;
    private static final int RT_TABLE_MAIN = 254;
    /** {@code RTN_UNICAST}. */
    public static final int RTN_UNICAST = 1;
    private static final String[] ROUTE_TYPES = {"unspec", "unicast", "local", "broadcast", "anycast",
            "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"};
    private static final int NDMSG_BYTES = 12;
    private static final int NDA_DST = 1;
    private static final int NDA_LLADDR = 2;
    private static final int NTF_USE = 0x01;
    private static final int NUD_PERMANENT = 0x80;
    /** {@code NUD_VALID}: permanent, noarp, reachable, probe, stale, delay. */
    static final int NUD_VALID = 0x80 | 0x40 | 0x02 | 0x10 | 0x04 | 0x08;
    private static final int RECEIVE_BYTES = 64 * 1024;
    private static final int TIMEOUT_MS = 5_000;
    private static final ValueLayout.OfInt BIG_ENDIAN_INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final NetlinkSocket socket;
    private final String where;
    private final MemorySegment out;
    private final MemorySegment in;
    private int sequence;

    private RtNetlink(NetlinkSocket socket, String where) {
        this.socket = socket;
        this.where = where;
        Arena arena = Arena.ofAuto();
        this.out = arena.allocate(512, 8);
        this.in = arena.allocate(RECEIVE_BYTES, 8);
    }

    /** A request socket in the namespace of {@code runner}. */
    public static RtNetlink open(CommandRunner runner) {
        try {
            return new RtNetlink(NetlinkSocket.open(runner.namespace(), 0, 0), runner.toString());
        } catch (NativeException e) {
            throw new KernelCommandException("cannot open a netlink socket (" + runner + "): " + e.getMessage(), e);
        }
    }

    /** The kernel's route to {@code address} (host byte order), as {@code ip route get} gives it. */
    public synchronized Route route(int address) {
        int length = header(RTM_GETROUTE, NLM_F_REQUEST, RTMSG_BYTES);
        out.set(JAVA_BYTE, NLMSG_HEADER_BYTES, (byte) AF_INET);
        out.set(JAVA_BYTE, NLMSG_HEADER_BYTES + 1, (byte) 32);
        length = attribute(length, RTA_DST, address);
        List<Route> found = new ArrayList<>(1);
        int[] outputInterface = new int[1];
        exchange(length, false, "no route to " + Ipv4.format(address), (offset, size) -> {
            int body = offset + NLMSG_HEADER_BYTES;
            int type = in.get(JAVA_BYTE, body + 7) & 0xFF;
            int gateway = 0;
            int source = 0;
            int mtu = 0;
            for (int a = body + RTMSG_BYTES; a + 4 <= offset + size && attributeLength(a) >= 4;
                    a += align(attributeLength(a))) {
                int value = a + 4;
                switch (attributeType(a)) {
                    case RTA_OIF -> outputInterface[0] = in.get(JAVA_INT_UNALIGNED, value);
                    case RTA_GATEWAY -> gateway = in.get(BIG_ENDIAN_INT, value);
                    case RTA_PREFSRC -> source = in.get(BIG_ENDIAN_INT, value);
                    case RTA_METRICS -> mtu = nestedInt(value, a + attributeLength(a), RTAX_MTU);
                    default -> {
                    }
                }
            }
            found.add(new Route(address, type < ROUTE_TYPES.length ? ROUTE_TYPES[type] : "unicast", "", gateway,
                    source, mtu));
        });
        if (found.isEmpty()) {
            throw new KernelCommandException("no route to " + Ipv4.format(address) + " (" + where + "): no answer");
        }
        Route route = found.getFirst();
        String name = outputInterface[0] == 0 ? "" : link(outputInterface[0]).name();
        return new Route(route.destination(), route.type(), name, route.gateway(), route.source(), route.mtuBytes());
    }

    private int nestedInt(int start, int end, int wanted) {
        for (int a = start; a + 4 <= end && attributeLength(a) >= 4; a += align(attributeLength(a))) {
            if (attributeType(a) == wanted && attributeLength(a) >= 8) {
                return in.get(JAVA_INT_UNALIGNED, a + 4);
            }
        }
        return 0;
    }

    /** Interface {@code name}, as {@code ip link show dev NAME} gives it. */
    public synchronized LinkInfo link(String name) {
        LinkInfo.checkName(name);
        int length = header(RTM_GETLINK, NLM_F_REQUEST, IFINFOMSG_BYTES);
        byte[] bytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        length = attribute(length, IFLA_IFNAME, bytes);
        return oneLink(length, "no interface '" + name + "'");
    }

    /** Interface number {@code index}. */
    public synchronized LinkInfo link(int index) {
        int length = header(RTM_GETLINK, NLM_F_REQUEST, IFINFOMSG_BYTES);
        out.set(JAVA_INT_UNALIGNED, NLMSG_HEADER_BYTES + 4, index);
        return oneLink(length, "no interface number " + index);
    }

    private LinkInfo oneLink(int length, String failure) {
        List<LinkInfo> found = new ArrayList<>(1);
        exchange(length, false, failure, (offset, size) -> found.add(parseLink(offset, size)));
        if (found.isEmpty()) {
            throw new KernelCommandException(failure + " (" + where + "): no answer");
        }
        return found.getFirst();
    }

    private LinkInfo parseLink(int offset, int size) {
        int body = offset + NLMSG_HEADER_BYTES;
        int index = in.get(JAVA_INT_UNALIGNED, body + 4);
        String name = "";
        long mac = 0;
        int mtu = 0;
        for (int a = body + IFINFOMSG_BYTES; a + 4 <= offset + size && attributeLength(a) >= 4;
                a += align(attributeLength(a))) {
            int value = a + 4;
            int valueBytes = attributeLength(a) - 4;
            switch (attributeType(a)) {
                case IFLA_IFNAME -> name = cString(value, valueBytes);
                case IFLA_MTU -> mtu = in.get(JAVA_INT_UNALIGNED, value);
                case IFLA_ADDRESS -> mac = valueBytes == 6 ? mac(in, value) : 0;
                default -> {
                }
            }
        }
        return new LinkInfo(name, index, mac, mtu);
    }

    /** The IPv4 routes of the main table ({@code ip -4 route show table main}); multipath routes left out. */
    public synchronized List<RouteEntry> mainRoutes() {
        int length = header(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, RTMSG_BYTES);
        out.set(JAVA_BYTE, NLMSG_HEADER_BYTES, (byte) AF_INET);
        List<RouteEntry> routes = new ArrayList<>();
        exchange(length, true, "cannot list the routes", (offset, size) -> {
            int body = offset + NLMSG_HEADER_BYTES;
            int prefixLength = in.get(JAVA_BYTE, body + 1) & 0xFF;
            int table = in.get(JAVA_BYTE, body + 4) & 0xFF;
            int type = in.get(JAVA_BYTE, body + 7) & 0xFF;
            int prefix = 0;
            int gateway = 0;
            int oif = 0;
            boolean multipath = false;
            for (int a = body + RTMSG_BYTES; a + 4 <= offset + size && attributeLength(a) >= 4;
                    a += align(attributeLength(a))) {
                int value = a + 4;
                switch (attributeType(a)) {
                    case RTA_DST -> prefix = in.get(BIG_ENDIAN_INT, value);
                    case RTA_GATEWAY -> gateway = in.get(BIG_ENDIAN_INT, value);
                    case RTA_OIF -> oif = in.get(JAVA_INT_UNALIGNED, value);
                    case RTA_TABLE -> table = in.get(JAVA_INT_UNALIGNED, value);
                    case RTA_MULTIPATH -> multipath = true;
                    default -> {
                    }
                }
            }
            if (table == RT_TABLE_MAIN && !multipath && prefixLength <= 32) {
                routes.add(new RouteEntry(prefix, prefixLength, gateway, oif, type));
            }
        });
        return routes;
    }

    /** The kernel's IPv4 neighbours ({@code ip -4 neigh show}), every state. */
    public synchronized List<Neighbour> neighbours() {
        int length = header(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, NDMSG_BYTES);
        out.set(JAVA_BYTE, NLMSG_HEADER_BYTES, (byte) AF_INET);
        List<Neighbour> neighbours = new ArrayList<>();
        exchange(length, true, "cannot list the neighbours", (offset, size) -> {
            Neighbour n = parseNeighbour(in, offset, size);
            if (n != null) {
                neighbours.add(n);
            }
        });
        return neighbours;
    }

    /** A neighbour message of {@code size} bytes at {@code offset} of {@code buffer}; null when not IPv4. */
    static Neighbour parseNeighbour(MemorySegment buffer, int offset, int size) {
        int body = offset + NLMSG_HEADER_BYTES;
        if ((buffer.get(JAVA_BYTE, body) & 0xFF) != AF_INET) {
            return null;
        }
        int ifindex = buffer.get(JAVA_INT_UNALIGNED, body + 4);
        int state = buffer.get(JAVA_SHORT_UNALIGNED, body + 8) & 0xFFFF;
        int address = 0;
        long mac = 0;
        boolean hasAddress = false;
        for (int a = body + NDMSG_BYTES; a + 4 <= offset + size; ) {
            int attributeLength = buffer.get(JAVA_SHORT_UNALIGNED, a) & 0xFFFF;
            if (attributeLength < 4) {
                break;
            }
            int type = buffer.get(JAVA_SHORT_UNALIGNED, a + 2) & 0x3FFF;
            if (type == NDA_DST && attributeLength == 8) {
                address = buffer.get(BIG_ENDIAN_INT, a + 4);
                hasAddress = true;
            } else if (type == NDA_LLADDR && attributeLength == 10) {
                mac = mac(buffer, a + 4);
            }
            a += align(attributeLength);
        }
        return hasAddress ? new Neighbour(address, mac, ifindex, state) : null;
    }

    /**
     * Asks the kernel to resolve {@code address} (host byte order) on interface
     * {@code interfaceIndex} as if it were sending there ({@code NTF_USE}): it creates the entry
     * if needed and sends its own ARP request, or re-probes a stale entry.
     */
    public synchronized void use(int address, int interfaceIndex) {
        int length = header(RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, NDMSG_BYTES);
        int body = NLMSG_HEADER_BYTES;
        out.set(JAVA_BYTE, body, (byte) AF_INET);
        out.set(JAVA_INT_UNALIGNED, body + 4, interfaceIndex);
        out.set(JAVA_SHORT_UNALIGNED, body + 8, (short) NUD_PERMANENT);
        out.set(JAVA_BYTE, body + 10, (byte) NTF_USE);
        length = attribute(length, NDA_DST, address);
        exchange(length, false, "cannot resolve " + Ipv4.format(address), (offset, size) -> {
        });
    }

    @Override
    public void close() {
        socket.close();
    }

    /** Writes a request header and zeroes its fixed body of {@code bodyBytes}; returns the length so far. */
    private int header(int type, int flags, int bodyBytes) {
        int length = NLMSG_HEADER_BYTES + bodyBytes;
        out.asSlice(0, length).fill((byte) 0);
        out.set(JAVA_SHORT_UNALIGNED, 4, (short) type);
        out.set(JAVA_SHORT_UNALIGNED, 6, (short) flags);
        out.set(JAVA_INT_UNALIGNED, 8, ++sequence);
        return length;
    }

    private int attribute(int at, int type, int ipv4Address) {
        out.set(JAVA_SHORT_UNALIGNED, at, (short) 8);
        out.set(JAVA_SHORT_UNALIGNED, at + 2, (short) type);
        out.set(BIG_ENDIAN_INT, at + 4, ipv4Address);
        return at + 8;
    }

    private int attribute(int at, int type, byte[] value) {
        int attributeLength = 4 + value.length;
        out.asSlice(at, align(attributeLength)).fill((byte) 0);
        out.set(JAVA_SHORT_UNALIGNED, at, (short) attributeLength);
        out.set(JAVA_SHORT_UNALIGNED, at + 2, (short) type);
        MemorySegment.copy(value, 0, out, JAVA_BYTE, at + 4, value.length);
        return at + align(attributeLength);
    }

    private interface Reply {
        void message(int offset, int size);
    }

    /**
     * Sends the request of {@code length} bytes and hands each answer to {@code reply}: every
     * message of a dump up to {@code NLMSG_DONE}, else the first message (or the acknowledgement).
     */
    private void exchange(int length, boolean dump, String failure, Reply reply) {
        out.set(JAVA_INT_UNALIGNED, 0, length);
        int expected = sequence;
        int sent = socket.send(out, length);
        if (sent < 0) {
            throw new KernelCommandException(failure + " (" + where + "): netlink send: " + Errno.describe(-sent));
        }
        while (true) {
            long received = socket.receive(in, TIMEOUT_MS);
            if (received == 0) {
                throw new KernelCommandException(failure + " (" + where + "): the kernel did not answer in "
                        + TIMEOUT_MS + " ms");
            }
            if (received < 0) {
                throw new KernelCommandException(failure + " (" + where + "): netlink receive: "
                        + Errno.describe((int) -received));
            }
            for (int offset = 0; offset + NLMSG_HEADER_BYTES <= received; ) {
                int size = in.get(JAVA_INT_UNALIGNED, offset);
                if (size < NLMSG_HEADER_BYTES || offset + size > received) {
                    break;
                }
                int type = in.get(JAVA_SHORT_UNALIGNED, offset + 4) & 0xFFFF;
                int seq = in.get(JAVA_INT_UNALIGNED, offset + 8);
                if (seq == expected) {
                    if (type == NLMSG_DONE) {
                        return;
                    }
                    if (type == NLMSG_ERROR) {
                        int error = in.get(JAVA_INT_UNALIGNED, offset + NLMSG_HEADER_BYTES);
                        if (error == 0) {
                            return;
                        }
                        throw new KernelCommandException(failure + " (" + where + "): " + Errno.description(-error));
                    }
                    reply.message(offset, size);
                    if (!dump) {
                        return;
                    }
                }
                offset += align(size);
            }
        }
    }

    private int attributeLength(int at) {
        return in.get(JAVA_SHORT_UNALIGNED, at) & 0xFFFF;
    }

    private int attributeType(int at) {
        return in.get(JAVA_SHORT_UNALIGNED, at + 2) & 0x3FFF;
    }

    private String cString(int at, int maxBytes) {
        int n = 0;
        while (n < maxBytes && in.get(JAVA_BYTE, at + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        MemorySegment.copy(in, JAVA_BYTE, at, bytes, 0, n);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** The 6-byte hardware address at {@code at}, as {@link Mac} holds it. */
    private static long mac(MemorySegment buffer, int at) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (buffer.get(JAVA_BYTE, at + i) & 0xFF);
        }
        return mac;
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    /**
     * The kernel's change notifications for routes, addresses, links and neighbours, on a socket
     * of their own. {@link #await} tells which kind changed since the last call.
     */
    public static final class Changes implements AutoCloseable {
        /** A neighbour entry was added, changed or removed. */
        public static final int NEIGHBOURS = 1;
        /** A route, an address or a link changed (next hops and MTUs may have moved). */
        public static final int ROUTES = 2;
        private static final int BUFFER_BYTES = 1 << 20;

        private final NetlinkSocket socket;
        private final MemorySegment in = Arena.ofAuto().allocate(RECEIVE_BYTES, 8);

        private Changes(NetlinkSocket socket) {
            this.socket = socket;
        }

        /** Subscribes, in the namespace of {@code runner}. */
        public static Changes subscribe(CommandRunner runner) {
            int groups = NetlinkSocket.RTMGRP_LINK | NetlinkSocket.RTMGRP_NEIGH | NetlinkSocket.RTMGRP_IPV4_IFADDR
                    | NetlinkSocket.RTMGRP_IPV4_ROUTE;
            try {
                return new Changes(NetlinkSocket.open(runner.namespace(), groups, BUFFER_BYTES));
            } catch (NativeException e) {
                throw new KernelCommandException("cannot subscribe to the kernel's route and neighbour changes ("
                        + runner + "): " + e.getMessage(), e);
            }
        }

        /**
         * Waits up to {@code timeoutMs} for a notification, then takes every one queued.
         *
         * @return {@link #NEIGHBOURS} and/or {@link #ROUTES}; 0 when none came; both when the
         *         kernel dropped notifications (its buffer overflowed) or the socket failed
         */
        public int await(int timeoutMs) {
            int changed = 0;
            int wait = timeoutMs;
            while (true) {
                long received = socket.receive(in, wait);
                if (received == 0) {
                    return changed;
                }
                if (received < 0) {
                    return changed | NEIGHBOURS | ROUTES;
                }
                for (int offset = 0; offset + NLMSG_HEADER_BYTES <= received; ) {
                    int size = in.get(JAVA_INT_UNALIGNED, offset);
                    if (size < NLMSG_HEADER_BYTES) {
                        break;
                    }
                    changed |= kind(in.get(JAVA_SHORT_UNALIGNED, offset + 4) & 0xFFFF);
                    offset += align(size);
                }
                wait = 0;
            }
        }

        static int kind(int messageType) {
            return switch (messageType) {
                case RTM_NEWNEIGH, RTM_DELNEIGH -> NEIGHBOURS;
                case RTM_NEWROUTE, RTM_DELROUTE, RTM_NEWADDR, RTM_DELADDR, RTM_NEWLINK, RTM_DELLINK -> ROUTES;
                default -> 0;
            };
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
