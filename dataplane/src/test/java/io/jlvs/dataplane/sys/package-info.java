/** Tests of the native layer: errno names, AF_PACKET struct layouts and control-path errors. */
package io.jlvs.dataplane.sys;
