/** JMH benchmarks of the AF_PACKET rings over a veth pair the benchmark creates (needs root). */
package io.jlvs.bench.io;
