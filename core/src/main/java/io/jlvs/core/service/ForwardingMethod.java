package io.jlvs.core.service;

/**
 * The LVS forwarding methods, with the kernel's numbering ({@code IP_VS_CONN_F_MASQ}
 * = 0 … {@code IP_VS_CONN_F_DROUTE} = 3), the word {@code ipvsadm -L} prints and the
 * option letter {@code ipvsadm -a} takes.
 */
public enum ForwardingMethod {
    /** NAT: destination rewritten to the real server, replies rewritten back. {@code -m}. */
    MASQ(0, "Masq", 'm'),
    /** Delivered to the director's own stack. Shown by old kernels only. */
    LOCAL(1, "Local", '\0'),
    /** IPIP tunnel to the real server. {@code -i}. */
    TUNNEL(2, "Tunnel", 'i'),
    /** Direct routing: only the destination MAC changes. {@code -g}, ipvsadm's default. */
    ROUTE(3, "Route", 'g');

    /** By kernel code; {@link #ofKernelCode} reads it without allocating. */
    private static final ForwardingMethod[] BY_CODE = {MASQ, LOCAL, TUNNEL, ROUTE};

    private final int kernelCode;
    private final String listName;
    private final char option;

    ForwardingMethod(int kernelCode, String listName, char option) {
        this.kernelCode = kernelCode;
        this.listName = listName;
        this.option = option;
    }

    /** The kernel's {@code IP_VS_CONN_F_FWD_MASK} value. */
    public int kernelCode() {
        return kernelCode;
    }

    /** The method of a kernel code (its low two bits, as {@code IP_VS_CONN_F_FWD_MASK} holds them). Allocation-free. */
    public static ForwardingMethod ofKernelCode(int code) {
        return BY_CODE[code & 3];
    }

    /** The word in the Forward column of {@code ipvsadm -Ln}. */
    public String listName() {
        return listName;
    }

    /** The ipvsadm option letter ({@code m}, {@code g}, {@code i}), or NUL for LOCAL. */
    public char option() {
        return option;
    }

    /** Whether replies from the real server pass back through the director. */
    public boolean seesReplies() {
        return this == MASQ;
    }
}
