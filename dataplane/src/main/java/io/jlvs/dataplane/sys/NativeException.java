package io.jlvs.dataplane.sys;

import java.io.IOException;
import java.io.Serial;

/**
 * A native call on the control path failed; the message names the call and the errno, as in
 * {@code setsockopt(PACKET_RX_RING): EINVAL (22): Invalid argument}.
 */
public final class NativeException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /** A failure of {@code call} (e.g. {@code bind(ifindex 7)}) with the positive {@code errno}. */
    public NativeException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /**
     * A failure of {@code call} with the positive {@code errno}, and what the kernel said beyond
     * the errno (e.g. the BPF verifier's log), on the lines after the first.
     */
    public NativeException(String call, int errno, String detail) {
        super(call + ": " + Errno.describe(errno) + "\n" + detail);
        this.call = call;
        this.errno = errno;
    }

    /** The failed call as written in the message, e.g. {@code setsockopt(PACKET_RX_RING)}. */
    public String call() {
        return call;
    }

    /** The positive errno number. */
    public int errno() {
        return errno;
    }
}
