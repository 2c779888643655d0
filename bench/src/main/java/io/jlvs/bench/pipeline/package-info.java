/** JMH benchmarks of one worker's packet path (parse, lookups, rewrite, in-memory send). */
package io.jlvs.bench.pipeline;
