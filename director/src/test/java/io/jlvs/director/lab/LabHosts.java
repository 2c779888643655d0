package io.jlvs.director.lab;

import io.jlvs.dataplane.sys.NetNamespace;
import java.io.IOException;
import java.net.DatagramSocket;

/**
 * The lab's addresses by mode, as {@code lab/lab.sh} sets them up, and the jlvsadm option of
 * each mode's forwarding method: one home for what the UDP tests of every method share.
 */
final class LabHosts {
    private LabHosts() {
    }

    /** The VIP of a mode's lab: on the client's side of the director in NAT, on the servers' LAN in DR and TUN. */
    static String vip(String mode) {
        return mode.equals("nat") ? "192.168.10.100" : "192.168.188.100";
    }

    /** The addresses of rs1 and rs2 in a mode's lab. */
    static String[] realServers(String mode) {
        return switch (mode) {
            case "nat" -> new String[] {"192.168.188.82", "192.168.188.83"};
            case "dr" -> new String[] {"192.168.188.81", "192.168.188.82"};
            case "tun" -> new String[] {"192.168.200.81", "192.168.200.82"};
            default -> throw new IllegalArgumentException("no lab mode " + mode);
        };
    }

    /** jlvsadm's option for a mode's forwarding method: {@code -m}, {@code -g} or {@code -i}. */
    static String methodOption(String mode) {
        return switch (mode) {
            case "nat" -> "-m";
            case "dr" -> "-g";
            case "tun" -> "-i";
            default -> throw new IllegalArgumentException("no lab mode " + mode);
        };
    }

    /** A new UDP socket (a new flow: a port of its own) in the lab client's namespace, reads bounded by {@code timeoutMs}. */
    static DatagramSocket clientSocket(int timeoutMs) throws IOException {
        DatagramSocket s = NetNamespace.call(Scripts.ns("client"), () -> new DatagramSocket(0));
        s.setSoTimeout(timeoutMs);
        return s;
    }
}
