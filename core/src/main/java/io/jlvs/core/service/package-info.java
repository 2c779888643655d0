/**
 * The IPVS service model: virtual services, real servers (destinations), forwarding
 * methods and the scheduler contract. Objects here are built by the control thread;
 * workers read them and update the per-destination connection counters atomically.
 */
package io.jlvs.core.service;
