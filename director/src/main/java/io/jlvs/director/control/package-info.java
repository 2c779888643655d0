/**
 * The control plane of jlvsd: the root-only Unix socket that {@code jlvsadm} talks to, the
 * execution of ipvsadm commands against the running service table, reload of the service
 * file, and the rate estimators of {@code --rate}. Runs on its own control thread, never on a worker.
 */
package io.jlvs.director.control;
