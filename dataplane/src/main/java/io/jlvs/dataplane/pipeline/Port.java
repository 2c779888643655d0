package io.jlvs.dataplane.pipeline;

import io.jlvs.core.net.Ipv4;

/**
 * One data-plane interface as the pipeline sees it.
 *
 * @param name interface name
 * @param ifindex interface index
 * @param mac its MAC, low 48 bits, first octet most significant
 * @param mtuBytes its MTU
 * @param address the director's IPv4 address on it, host byte order, or 0 when it has none
 *        (then TUN cannot send from it)
 */
public record Port(String name, int ifindex, long mac, int mtuBytes, int address) {
    /** {@code eth0 (index 2, mtu 1500, 192.168.10.1)}. */
    @Override
    public String toString() {
        return name + " (index " + ifindex + ", mtu " + mtuBytes + (address != 0 ? ", " + Ipv4.format(address) : "") + ")";
    }
}
