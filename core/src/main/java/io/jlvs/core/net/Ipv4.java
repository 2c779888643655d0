package io.jlvs.core.net;

import java.net.Inet4Address;

/**
 * IPv4 addresses as {@code int} values in host byte order: {@code 192.168.1.2} is
 * {@code 0xC0A80102}, so the first octet is the most significant byte, the same value
 * as the kernel's {@code ntohl(addr)}.
 */
public final class Ipv4 {
    private Ipv4() {
    }

    /**
     * Parses a dotted quad such as {@code 10.0.0.1}.
     *
     * @throws IllegalArgumentException naming the text when it is not four decimal
     *         octets 0..255
     */
    public static int parse(String text) {
        int value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i <= n && octets < 4) {
            int start = i;
            int octet = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9' && i - start < 3) {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || octet > 255) {
                break;
            }
            if (i - start > 1 && text.charAt(start) == '0') {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "': an octet with a leading"
                        + " zero is ambiguous (ipvsadm and inet_aton read 010 as octal 8); write it without");
            }
            value = (value << 8) | octet;
            octets++;
            if (octets < 4) {
                if (i >= n || text.charAt(i) != '.') {
                    break;
                }
                i++;
            }
        }
        if (octets != 4 || i != n) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        return value;
    }

    /**
     * Parses an address as C's {@code inet_aton} does, which is how ipvsadm reads one: one to
     * four parts separated by dots, each decimal, octal with a leading {@code 0} or hexadecimal
     * with {@code 0x}; the last part fills the remaining bytes ({@code 10.1} is {@code 10.0.0.1},
     * {@code 192.168.188.010} is {@code 192.168.188.8}).
     *
     * @throws IllegalArgumentException naming the text when inet_aton would refuse it
     */
    public static int parseInetAton(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        long value = 0;
        for (int p = 0; p < parts.length; p++) {
            long part = cNumber(parts[p]);
            boolean last = p == parts.length - 1;
            long limit = last ? (1L << (8 * (4 - p))) - 1 : 255;
            if (part < 0 || part > limit) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            value = last ? (value << (8 * (4 - p))) | part : (value << 8) | part;
        }
        return (int) value;
    }

    /** Whether {@link #parseInetAton} would accept the text: an address ipvsadm reads without resolving it. */
    public static boolean isInetAton(String text) {
        try {
            parseInetAton(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A part as {@code strtoul(s, &end, 0)} reads it, whole, or -1. */
    private static long cNumber(String s) {
        int radix = 10;
        int from = 0;
        if (s.length() > 1 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
            radix = 16;
            from = 2;
        } else if (s.length() > 1 && s.charAt(0) == '0') {
            radix = 8;
            from = 1;
        }
        if (from >= s.length() || s.length() - from > 11) {
            return s.equals("0") ? 0 : -1;
        }
        long v = 0;
        for (int i = from; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
        }
        return v;
    }

    /** Whether {@link #parse} would accept the text. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Why the kernel refuses {@code address} as a real server's ({@code ip_vs_ctl.c} asks
     * {@code inet_addr_type} for a local or unicast address and answers {@code EINVAL}
     * otherwise), or {@code null} when it accepts it: this network (0/8) and the limited
     * broadcast are broadcast addresses, 224/4 multicast.
     */
    public static String realServerProblem(int address) {
        if ((address >>> 24) == 0 || address == -1) {
            return format(address) + " is a broadcast address";
        }
        if ((address >>> 28) == 0xE) {
            return format(address) + " is a multicast address";
        }
        return null;
    }

    /** The host-order value of a Java IPv4 address. */
    public static int of(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** Formats a host-order address as a dotted quad. */
    public static String format(int addr) {
        return ((addr >>> 24) & 0xFF) + "." + ((addr >>> 16) & 0xFF) + "."
                + ((addr >>> 8) & 0xFF) + "." + (addr & 0xFF);
    }

    /**
     * The netmask with {@code prefixLength} leading one bits, host byte order
     * ({@code 24} gives {@code 0xFFFFFF00}).
     */
    public static int netmask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, was " + prefixLength);
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
