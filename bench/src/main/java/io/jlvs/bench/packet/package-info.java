/**
 * JMH benchmarks of the packet core: parsing a frame into flyweights and rewriting it with
 * full or incremental checksums.
 */
package io.jlvs.bench.packet;
