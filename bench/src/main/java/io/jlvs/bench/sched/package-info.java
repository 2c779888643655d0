/**
 * JMH benchmarks of the schedulers: nanoseconds and bytes allocated per pick. The
 * benchmark thread plays the worker; the setup plays the control thread.
 */
package io.jlvs.bench.sched;
