/**
 * The Internet checksum (RFC 1071) over native or heap memory, its incremental update
 * (RFC 1624) and the IPv4/IPv6 pseudo-header sums of TCP, UDP and ICMPv6. Stateless static
 * methods, allocation-free, safe to call from any worker thread.
 */
package io.jlvs.core.checksum;
