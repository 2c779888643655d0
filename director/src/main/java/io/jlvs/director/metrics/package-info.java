/**
 * The metrics endpoint: {@code /metrics} in the Prometheus text format and {@code /status} as
 * JSON, served by Netty on loopback by default, with rates estimated as IPVS does.
 */
package io.jlvs.director.metrics;
