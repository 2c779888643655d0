/**
 * The LVS rewrites of a frame in place (direct routing, NAT both ways with related ICMP
 * errors, IPIP tunnelling) and the ICMP errors the director answers with. Each rewriter
 * belongs to one worker thread, allocates nothing and returns a verdict instead of throwing.
 */
package io.jlvs.dataplane.forward;
