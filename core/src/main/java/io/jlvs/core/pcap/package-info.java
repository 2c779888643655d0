/**
 * Reading and writing classic pcap files (Ethernet link type) for tests, traffic replay and
 * pipeline round trips. Control-path code: it allocates and throws {@link java.io.IOException}
 * with a message naming what is wrong with a file.
 */
package io.jlvs.core.pcap;
