/**
 * The scheduler replay tool ({@code bin/jlvs replay}): runs scenario files in the format of
 * IPVS-SEMANTICS §5 against the schedulers and prints or checks each pick. Single-threaded,
 * control path only.
 */
package io.jlvs.bench.replay;
