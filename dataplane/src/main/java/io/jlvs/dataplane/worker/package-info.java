/**
 * The worker threads: each owns one pipeline and, per interface, an RX ring in the
 * interfaces' fanout group and a TX ring, and runs the duty cycle (drain, flush, pick up
 * the service snapshot, sweep, sleep in {@code poll()} when idle). Everything here but
 * {@link io.jlvs.dataplane.worker.DataPlane}'s start and stop runs on the worker's own thread.
 */
package io.jlvs.dataplane.worker;
