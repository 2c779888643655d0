/**
 * User-space IPIP decapsulation for real servers whose kernel has no {@code ipip} module: frames
 * from an AF_PACKET ring in, inner IPv4 packets out to a TUN device. Owned by the one thread
 * that drains the ring.
 */
package io.jlvs.dataplane.decap;
