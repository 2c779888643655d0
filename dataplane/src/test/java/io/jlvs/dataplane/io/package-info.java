/** Tests of the PACKET_MMAP rings over a veth pair the tests create, plus their allocation checks. */
package io.jlvs.dataplane.io;
