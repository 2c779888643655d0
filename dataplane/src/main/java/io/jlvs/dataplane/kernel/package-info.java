/**
 * Living beside the director's kernel: nftables ingress drop rules for the traffic jlvs owns,
 * route and neighbour lookups, ARP answers for VIPs the kernel does not hold, and offload checks.
 * Everything here runs on the control thread, except the lookups a worker makes through
 * {@link io.jlvs.dataplane.kernel.NeighbourSnapshot} and {@link io.jlvs.dataplane.kernel.ArpResponder},
 * which neither allocate nor lock.
 */
package io.jlvs.dataplane.kernel;
