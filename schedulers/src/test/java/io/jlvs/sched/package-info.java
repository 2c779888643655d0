/** Tests of the schedulers: kernel sequences, properties, concurrency and allocation. */
package io.jlvs.sched;
