package io.jlvs.dataplane.worker;

import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.io.FrameSource;
import io.jlvs.dataplane.io.IoCounters;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Frames held in native memory, handed over in order as a ring would, {@code rounds} times
 * over; each frame is copied behind 64 bytes of headroom into one slot before it is handed
 * over, so the pipeline may rewrite it. Allocation-free once built.
 */
final class MemoryFrameSource implements FrameSource {
    private static final int HEADROOM = 64;

    private final MemorySegment[] frames;
    private final MemorySegment slot;
    private final long total;
    private final IoCounters counters = new IoCounters("mem0");
    private long next;

    MemoryFrameSource(List<byte[]> frames, long rounds) {
        Arena arena = Arena.ofAuto();
        this.frames = new MemorySegment[frames.size()];
        for (int i = 0; i < this.frames.length; i++) {
            this.frames[i] = arena.allocate(frames.get(i).length);
            this.frames[i].copyFrom(MemorySegment.ofArray(frames.get(i)));
        }
        this.slot = arena.allocate(HEADROOM + 2048);
        this.total = rounds * frames.size();
    }

    @Override
    public int drain(FrameHandler handler, int maxFrames) {
        int n = 0;
        while (n < maxFrames && next < total) {
            MemorySegment frame = frames[(int) (next++ % frames.length)];
            MemorySegment.copy(frame, 0, slot, HEADROOM, frame.byteSize());
            handler.onFrame(slot, HEADROOM, (int) frame.byteSize(), (int) frame.byteSize(), 0);
            n++;
        }
        counters.addReceived(n);
        return n;
    }

    @Override
    public boolean isReady() {
        return next < total;
    }

    @Override
    public int fd() {
        return -1;
    }

    @Override
    public void onPollError() {
    }

    @Override
    public void refreshCounters() {
    }

    @Override
    public IoCounters counters() {
        return counters;
    }

    @Override
    public void close() {
    }
}
