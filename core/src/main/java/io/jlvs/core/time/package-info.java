/**
 * The monotonic clock the data plane and the control side read their "now" from, injectable so
 * that tests drive time instead of sleeping.
 */
package io.jlvs.core.time;
