/** JMH benchmarks of what a worker asks of the kernel-interplay layer per packet: next-hop MACs and ARP replies. */
package io.jlvs.bench.kernel;
