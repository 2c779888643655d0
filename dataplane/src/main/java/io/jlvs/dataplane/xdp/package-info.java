/**
 * The XDP side of the AF_XDP backend: a small eBPF assembler, the program jlvs attaches to an
 * interface (which redirects exactly jlvs's traffic to its AF_XDP sockets and passes the rest
 * to the kernel) and the filter that loads it and keeps its maps in step with the services.
 * Control path only: the control thread owns it; no worker calls into it per packet.
 */
package io.jlvs.dataplane.xdp;
