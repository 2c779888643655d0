/** Tests of the IPIP decapsulator on hand-built frames. */
package io.jlvs.dataplane.decap;
