package io.jlvs.core.service;

import io.jlvs.core.packet.Ipv4Flyweight;
/** Transport protocols a virtual service can carry, with their IP protocol numbers. */
public enum Protocol {
    TCP(Ipv4Flyweight.PROTO_TCP, "TCP", 't'),
    UDP(Ipv4Flyweight.PROTO_UDP, "UDP", 'u'),
    SCTP(132, "SCTP", '\0');

    private final int number;
    private final String listName;
    private final char option;

    Protocol(int number, String listName, char option) {
        this.number = number;
        this.listName = listName;
        this.option = option;
    }

    /** The IP protocol number (TCP 6, UDP 17, SCTP 132). */
    public int number() {
        return number;
    }

    /** The name in the Prot column of {@code ipvsadm -Ln}. */
    public String listName() {
        return listName;
    }

    /** The ipvsadm service option letter ({@code -t}, {@code -u}), NUL for SCTP. */
    public char option() {
        return option;
    }

    /** The protocol with that IP protocol number, or {@code null}. */
    public static Protocol ofNumber(int number) {
        return switch (number) {
            case 6 -> TCP;
            case 17 -> UDP;
            case 132 -> SCTP;
            default -> null;
        };
    }
}
