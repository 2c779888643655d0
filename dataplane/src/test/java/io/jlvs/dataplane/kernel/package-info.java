/** Tests of the kernel interplay: parsers on fixture texts, ARP frames, and nftables/route/neighbour behaviour in network namespaces. */
package io.jlvs.dataplane.kernel;
