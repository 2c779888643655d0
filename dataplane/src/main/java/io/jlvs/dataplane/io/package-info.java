/**
 * PACKET_MMAP rings over AF_PACKET sockets: a TPACKET_V3 receive ring and a TPACKET_V2 transmit
 * ring. Each ring is owned by one worker thread, which alone reads, writes and closes it; the
 * per-frame methods neither allocate nor throw.
 */
package io.jlvs.dataplane.io;
