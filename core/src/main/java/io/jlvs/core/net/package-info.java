/**
 * Address helpers shared by every module: parsing and printing IPv4 addresses held as
 * {@code int} in host byte order. Control-path only; nothing here is called per packet.
 */
package io.jlvs.core.net;
