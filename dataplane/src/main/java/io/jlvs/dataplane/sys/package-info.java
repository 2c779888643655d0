/**
 * The only place that calls native code: FFM downcalls into libc ({@link io.jlvs.dataplane.sys.LibC}),
 * errno names ({@link io.jlvs.dataplane.sys.Errno}) and the AF_PACKET ABI ({@link io.jlvs.dataplane.sys.AfPacket}).
 * {@code LibC} methods return {@code -errno} and never allocate; {@code AfPacket} wraps control-path
 * calls once and throws {@link io.jlvs.dataplane.sys.NativeException} naming the call and the errno.
 */
package io.jlvs.dataplane.sys;
