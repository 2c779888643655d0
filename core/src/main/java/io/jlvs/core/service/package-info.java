/**
 * The IPVS service model: virtual services, real servers (destinations), forwarding
 * methods, the scheduler contract and its flags. Objects here are built by the control thread;
 * workers read them and update the per-destination connection counters atomically.
 */
package io.jlvs.core.service;
