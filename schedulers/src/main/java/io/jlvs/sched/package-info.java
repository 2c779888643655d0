/**
 * The IPVS schedulers (rr, wrr, lc, wlc, sed, nq, fo, ovf, sh, dh, lblc, lblcr, mh), found by
 * name through {@link java.util.ServiceLoader}. {@code schedule()} runs on worker threads,
 * concurrently and without locks or allocation; {@code destinationsChanged()} and
 * {@link io.jlvs.sched.ServiceScheduling} run on the control thread.
 */
package io.jlvs.sched;
