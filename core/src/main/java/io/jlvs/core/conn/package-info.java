/**
 * The connection table: an off-heap, lock-free, open-addressed table of IPVS connection
 * entries and persistence templates, the IPVS TCP state machine, timeouts, and the
 * per-packet tracking logic. Lookups, inserts and state updates are called by every
 * worker thread concurrently; the registry, timeouts and sysctls are written by the
 * control thread.
 */
package io.jlvs.core.conn;
