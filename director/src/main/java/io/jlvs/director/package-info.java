/**
 * The programs operators run: {@code jlvs} (tools and the demo), later {@code jlvsd}
 * (the daemon) and {@code jlvsadm} (the ipvsadm-compatible CLI). Control-path code only;
 * no packet ever reaches this package.
 */
package io.jlvs.director;
