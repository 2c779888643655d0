/**
 * The per-packet path of one worker: parse, service and connection lookup, the rewrite by
 * forwarding method, and the frame handed to a {@link io.jlvs.dataplane.pipeline.FrameSink}.
 * Each {@link io.jlvs.dataplane.pipeline.Pipeline} is owned by one worker thread.
 */
package io.jlvs.dataplane.pipeline;
