/**
 * The ipvsadm language: parsing ipvsadm 1.31 argument vectors and {@code -R} input into
 * immutable commands, and printing the {@code -L}, {@code -S} and {@code -Lc} listings
 * byte for byte as ipvsadm does. Pure functions, no sockets; used by jlvsadm and the importers.
 */
package io.jlvs.director.adm;
