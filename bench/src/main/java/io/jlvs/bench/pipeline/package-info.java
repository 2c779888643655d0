/**
 * JMH benchmarks of one worker's packet path (parse, lookups, rewrite, in-memory send), hit
 * and miss per forwarding method, with peers measured in the same run, and the formatter
 * that turns their JSON results into the table of docs/bench-pipeline.md. Each benchmark
 * thread owns its director.
 */
package io.jlvs.bench.pipeline;
