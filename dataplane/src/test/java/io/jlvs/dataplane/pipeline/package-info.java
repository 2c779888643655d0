/** Tests of the per-worker packet path over in-memory frame sinks. */
package io.jlvs.dataplane.pipeline;
