/** Tests of the workers over real AF_PACKET rings on a veth pair (root only). */
package io.jlvs.dataplane.worker;
