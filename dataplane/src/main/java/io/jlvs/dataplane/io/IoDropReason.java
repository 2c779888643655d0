package io.jlvs.dataplane.io;

import java.util.Locale;

/**
 * Why a frame was lost below the pipeline, in the kernel's rings. Each is a {@code reason} label
 * of {@code jlvs_io_drops_total}; the pipeline's own reasons are {@code PipelineReason}, which
 * counts a frame that found no room in a TX ring as {@code tx_full} (a failed {@code send()}
 * loses nothing: the frames stay queued for the next one).
 */
public enum IoDropReason {
    /** AF_PACKET RX: the kernel found the ring full ({@code tp_drops} of {@code PACKET_STATISTICS}). */
    RING_FULL,
    /** AF_XDP RX: dropped for other reasons ({@code rx_dropped} of {@code XDP_STATISTICS}). */
    XDP_RX_DROPPED,
    /** AF_XDP RX: invalid descriptors ({@code rx_invalid_descs}). */
    XDP_RX_INVALID,
    /** AF_XDP RX: the RX ring was full ({@code rx_ring_full}). */
    XDP_RX_RING_FULL,
    /**
     * Either backend: the new-flow ring (TCP SYNs, read after the other frames) was full (AF_XDP:
     * {@code rx_ring_full} of the new-flow socket; AF_PACKET: {@code tp_drops} of the new-flow
     * ring's socket): new connections shed under a flood.
     */
    NEW_FLOW_RING_FULL,
    /** AF_XDP RX: no free buffer in the fill ring ({@code rx_fill_ring_empty_descs}). */
    XDP_FILL_RING_EMPTY,
    /** AF_XDP TX: invalid descriptors ({@code tx_invalid_descs}). */
    XDP_TX_INVALID;

    /** The number of reasons. */
    public static final int COUNT = values().length;

    /** The metric label: the name in lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
