package io.jlvs.dataplane.kernel;

import java.io.Serial;

/**
 * A kernel configuration command ({@code nft}, {@code ip}, {@code ethtool}) is missing, failed
 * or printed something that could not be understood; the message says which and what to do.
 */
public final class KernelCommandException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public KernelCommandException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public KernelCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
