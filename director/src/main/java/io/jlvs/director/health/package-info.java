/**
 * Health checks in the keepalived style: TCP connects and HTTP GETs to the real servers on one
 * Netty event loop, and the weight-0 or delete transitions they cause in the service table.
 */
package io.jlvs.director.health;
