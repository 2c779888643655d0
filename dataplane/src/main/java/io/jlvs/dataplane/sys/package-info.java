/**
 * The only place that calls native code: FFM downcalls into libc ({@link io.jlvs.dataplane.sys.LibC}),
 * errno names ({@link io.jlvs.dataplane.sys.Errno}), the AF_PACKET and AF_XDP ABIs ({@link io.jlvs.dataplane.sys.AfPacket},
 * {@link io.jlvs.dataplane.sys.AfXdp}) and the {@code bpf()} system call ({@link io.jlvs.dataplane.sys.Bpf}).
 * {@code LibC} methods return {@code -errno} and never allocate; {@code AfPacket}, {@code AfXdp} and {@code Bpf} wrap control-path
 * calls once and throw {@link io.jlvs.dataplane.sys.NativeException} naming the call and the errno.
 */
package io.jlvs.dataplane.sys;
