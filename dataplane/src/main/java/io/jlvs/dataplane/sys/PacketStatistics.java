package io.jlvs.dataplane.sys;

/**
 * One reading of {@code PACKET_STATISTICS} ({@code tpacket_stats_v3}); the kernel resets its
 * counters on every read, so each reading covers the time since the previous one.
 *
 * @param packets frames the socket saw, including the dropped ones
 * @param drops frames dropped because the ring was full
 * @param freezeQueueCount times the ring was frozen because no block was free
 */
public record PacketStatistics(long packets, long drops, long freezeQueueCount) {
}
