/**
 * The running set of virtual services: built and changed by the control thread from the
 * service file, published to the workers as an immutable {@link io.jlvs.dataplane.service.ServiceSnapshot}
 * that they look services up in without locks or allocation, and per-worker traffic counters.
 */
package io.jlvs.dataplane.service;
