/** Tests of the replay tool: every scenario of IPVS-SEMANTICS §5 and its error handling. */
package io.jlvs.bench.replay;
